"""Inbound mail settings (README "Email that opens cases"; cases/inbound/): which addresses open cases, where the
messages come from (a local maildir, an IMAP mailbox, or the webhook alone) and the loop guards. Base imports them
once ``.env`` is read."""

from pathlib import Path as _Path

import environ as _environ

_env = _environ.Env()
_var_dir = _Path(_env.str("ERCOT_VAR_DIR", default=str(_Path(__file__).resolve().parent.parent.parent / "var")))

# The addresses whose mail opens cases, and what each means: "client_services" (an inquiry to the MP's Account
# Manager) or "service_desk" (a ticket in the Service Desk queue). Keys are compared case-insensitively.
INBOUND_MAIL_ADDRESSES = {
    _env.str("CLIENT_SERVICES_EMAIL", default="ClientServices@ercot.example").lower(): "client_services",
    _env.str("SERVICE_DESK_EMAIL", default="ServiceDesk@ercot.example").lower(): "service_desk",
}
# Where the periodic poll reads: "maildir" (INBOUND_MAILDIR, the embedded default: drop a .eml into its new/),
# "imap" (the INBOUND_IMAP_* mailbox) or "none" (only the webhook delivers mail).
INBOUND_MAIL_SOURCE = _env.str("INBOUND_MAIL_SOURCE", default="maildir")
INBOUND_MAILDIR = _Path(_env.str("INBOUND_MAILDIR", default=str(_var_dir / "inbound")))
INBOUND_IMAP_HOST = _env.str("INBOUND_IMAP_HOST", default="")
INBOUND_IMAP_PORT = _env.int("INBOUND_IMAP_PORT", default=993)
INBOUND_IMAP_SSL = _env.bool("INBOUND_IMAP_SSL", default=True)
INBOUND_IMAP_USER = _env.str("INBOUND_IMAP_USER", default="")
INBOUND_IMAP_PASSWORD = _env.str("INBOUND_IMAP_PASSWORD", default="")
INBOUND_IMAP_FOLDER = _env.str("INBOUND_IMAP_FOLDER", default="INBOX")
# Messages read per poll (the next poll continues where this one stopped).
INBOUND_POLL_BATCH = _env.int("INBOUND_POLL_BATCH", default=50)
INBOUND_POLL_SECONDS = _env.int("INBOUND_POLL_SECONDS", default=60)
# POST /inbound-mail/: the raw MIME message, signed with HMAC-SHA256 of the body under this secret
# (X-Inbound-Signature: sha256=<hex>); empty turns the endpoint off.
INBOUND_WEBHOOK_SECRET = _env.str("INBOUND_WEBHOOK_SECRET", default="")
INBOUND_MAX_BYTES = _env.int("INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
# Receipts to one sender at most this many times an hour (a loop between two robots ends here).
INBOUND_ACKS_PER_SENDER_PER_HOUR = _env.int("INBOUND_ACKS_PER_SENDER_PER_HOUR", default=5)

# The poll reads the source and finishes rows a crash left unprocessed (also those the webhook recorded).
INBOUND_MAIL_BEAT_SCHEDULE = {
    "poll-inbound-mail": {
        "task": "cases.poll_inbound_mail",
        "schedule": INBOUND_POLL_SECONDS,
        "options": {"expires": INBOUND_POLL_SECONDS},
    }
}
