"""Webhooks: an MP's endpoints, the deliveries of the events they subscribe to, signed per Standard Webhooks.

- ``models``: endpoints, deliveries (one per endpoint and event, the outbox's ``webhook`` kind) and their attempts;
- ``mapping``: which audit verbs are which webhook events, and each event's payload (the API representation);
- ``fanout``: an ``AuditEvent`` saved → after commit, one delivery per subscribed endpoint;
- ``sending``: one attempt of a delivery (claimed first, marked in its own commit), retries and auto-disabling;
- ``signing``: secrets and the ``webhook-*`` headers;
- ``services``: what the MP's USA does in the portal (create, update, rotate, disable, enable, re-send, test).
"""
