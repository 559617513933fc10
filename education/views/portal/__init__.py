"""Education's portal pages, one module per part of the app."""
