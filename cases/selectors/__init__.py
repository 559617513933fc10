"""cases selectors: staff queues and filters (``cases``), the portal's view of its MP's cases (``portal``)."""
