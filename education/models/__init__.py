"""The education app's models, one module per part: courses and sessions, the knowledge base, market rules."""
