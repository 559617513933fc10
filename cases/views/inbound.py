"""``POST /inbound-mail/``: a mail provider (or relay) pushes one received message, raw MIME, as the request body.

Authenticated by ``X-Inbound-Signature: sha256=<hex>``, the HMAC-SHA256 of the body under ``INBOUND_WEBHOOK_SECRET``
(compared in constant time); CSRF-exempt (a machine posts it); at most ``INBOUND_MAX_BYTES``. The message is recorded
at once (one row per Message-ID: a provider's retry makes nothing new) and turned into a case by a task after commit;
the answer is 202 with the row's Message-ID and status.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ercot_services.core.delivery import outbox_enqueue

from ..models import InboundSource, InboundStatus
from ..services.inbound import inbound_message_record
from ..tasks import process_inbound_message

SIGNATURE_HEADER = "X-Inbound-Signature"


def inbound_signature(body: bytes, secret: str) -> str:
    """The header value a sender computes: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@method_decorator(csrf_exempt, name="dispatch")
class InboundMailWebhookView(View):
    http_method_names = ["post"]

    def post(self, request):
        secret = settings.INBOUND_WEBHOOK_SECRET
        if not secret:
            return JsonResponse({"error": "The inbound-mail endpoint is off."}, status=404)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.INBOUND_MAX_BYTES:
            return JsonResponse({"error": "The message is too large."}, status=413)
        body = request.read(settings.INBOUND_MAX_BYTES + 1)
        if len(body) > settings.INBOUND_MAX_BYTES:
            return JsonResponse({"error": "The message is too large."}, status=413)
        supplied = request.headers.get(SIGNATURE_HEADER, "").strip()
        if not hmac.compare_digest(supplied.encode(), inbound_signature(body, secret).encode()):
            return JsonResponse({"error": "Bad or missing signature."}, status=403)
        if not body.strip():
            return JsonResponse({"error": "The body must be a raw MIME message."}, status=400)
        row, created = inbound_message_record(raw=body, source=InboundSource.WEBHOOK)
        if created or row.status == InboundStatus.RECEIVED:
            transaction.on_commit(lambda: outbox_enqueue(process_inbound_message, pk=row.pk))
        return JsonResponse({"message_id": row.message_id, "status": row.status, "duplicate": not created}, status=202)
