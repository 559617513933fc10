"""Cross-app pieces: base model, audit events, business-day calendar, permissions, health."""
