"""Education's staff forms, one module per part of the app."""
