"""Education's public forms, one module per part of the app."""
