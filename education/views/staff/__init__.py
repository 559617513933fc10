"""Education's staff pages, one module per part of the app."""
