"""Secrets and signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/).

A secret is ``whsec_`` and the base64 of 32 random bytes. A delivery is signed with HMAC-SHA256 over
``{webhook-id}.{webhook-timestamp}.{body}`` (the reference ``standardwebhooks`` library does the signing, so what
receivers verify with it is what we sign); during a rotation's overlap the header carries both signatures.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from standardwebhooks import Webhook

from .models import WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the specification gives every secret
SECRET_BYTES = 32
USER_AGENT = "ERCOT-Client-Services-Webhooks/1"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def body_of(payload: dict) -> bytes:
    """The request body: the stored payload as compact JSON (the same bytes on every attempt)."""
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(endpoint: WebhookEndpoint, *, webhook_id: str, body: bytes, at: datetime.datetime) -> dict:
    """The headers of one attempt at ``at``: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
    (space-separated ``v1,`` signatures, one per secret in use)."""
    signatures = [Webhook(secret).sign(webhook_id, at, body) for secret in endpoint.signing_secrets(at)]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
