"""Webhook settings (README "Webhooks"; api/webhooks/), from the environment: base imports them (after reading
``.env``), and local development turns the two local-receiver switches on with DEBUG."""

import environ as _environ

_env = _environ.Env()

# Webhooks (README "Webhooks"): an MP's endpoints get signed POSTs (Standard Webhooks) through the outbox
# (api/webhooks/). A delivery is tried once, then again after each of WEBHOOK_RETRY_DELAYS seconds (5 attempts over
# about an hour); an endpoint is disabled (its USAs emailed) after WEBHOOK_DISABLE_AFTER_FAILURES deliveries failed
# in a row, or when it has failed every attempt for WEBHOOK_DISABLE_AFTER_SECONDS. Plain http:// endpoints only
# when WEBHOOK_ALLOW_HTTP (a receiver on the developer's machine, the tests).
WEBHOOK_RETRY_DELAYS = _env.list("WEBHOOK_RETRY_DELAYS", cast=int, default=[60, 300, 900, 2400])
WEBHOOK_DISABLE_AFTER_FAILURES = _env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=5)
WEBHOOK_DISABLE_AFTER_SECONDS = _env.int("WEBHOOK_DISABLE_AFTER_SECONDS", default=24 * 3600)
WEBHOOK_ALLOW_HTTP = _env.bool("WEBHOOK_ALLOW_HTTP", default=False)
# Endpoints whose host resolves to a loopback, private or link-local address are not sent to (the USA sees the
# answers: no probing of the operator's network) unless this is on (a local receiver, the tests).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = _env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
WEBHOOK_CONNECT_TIMEOUT = 5
WEBHOOK_READ_TIMEOUT = 10
# A claimed delivery whose worker died is taken over after this long (well past one request's timeouts).
WEBHOOK_CLAIM_TIMEOUT_SECONDS = _env.int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=60)
# A rotated secret keeps signing (next to the new one) for this long, so receivers can switch without a gap.
WEBHOOK_SECRET_OVERLAP_SECONDS = _env.int("WEBHOOK_SECRET_OVERLAP_SECONDS", default=24 * 3600)
