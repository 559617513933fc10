"""Education's portal forms, one module per part of the app."""
