"""Education's public pages, one module per part of the app."""
