"""What the education services share: validation, operator-time formatting, email rendering and links."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.models import clean_or_refuse

from ..error_codes import EducationErrorCode


def clean(instance, exclude: Iterable[str] = ()) -> None:
    clean_or_refuse(instance, code=EducationErrorCode.INVALID, exclude=exclude)


def operator_time(moment) -> str:
    """A moment in the operator's time zone, as people read it (``Friday, June 06, 2025 5:00 PM CDT``)."""
    return f"{timezone.localtime(moment):%A, %B %d, %Y %-I:%M %p %Z}"


def site_url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def render_email(template: str, context: dict) -> str:
    return render_to_string(
        f"emails/education/{template}.txt", {"CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE, **context}
    )
