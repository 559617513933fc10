"""What the API tests share (calling an endpoint is tests/api/calls.py): the fixtures of
``tests/notices/conftest.py`` and ``tests/registration/conftest.py`` that build notices and applications through the
services (a notice's thread and ID, an application's reference and checklist only come from them)."""

from __future__ import annotations

from tests.notices.conftest import (  # noqa: F401  (fixtures, shared with the notice tests)
    approver,
    credit,
    draft_factory,
    publish,
    publisher,
    types,
)
from tests.registration.conftest import (  # noqa: F401  (fixtures, shared with the registration tests)
    ar,
    kit,
    prospect,
    prospect_ar,
    reviewer,
)

from .webhook_fixtures import receiver, usa  # noqa: F401  (fixtures of the webhook tests)
