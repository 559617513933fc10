"""Building a notice email for one recipient: text and HTML in the template's order, list headers."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from .models import Notice, NoticeDelivery, notice_message_id
from .rendering import render_markdown
from .selectors import preferences_url


def unsubscribe_url(delivery: NoticeDelivery) -> str:
    return settings.SITE_URL + reverse("notices:unsubscribe", args=[delivery.token])


# The unsubscribe and preferences URLs are the only per-recipient parts of the body: the templates are rendered once per notice and
# list (with this placeholder) and the recipient's URL is put in by string replacement. Rendering both templates
# and the Markdown for every recipient cost ~4 ms a message, more than the SMTP send itself.
_UNSUBSCRIBE_PLACEHOLDER = "ercotUnsubscribeUrlPlaceholder0d5c"
_PREFERENCES_PLACEHOLDER = "ercotPreferencesUrlPlaceholder7a1e"


def _bodies(notice: Notice, dl) -> tuple[str, str]:
    """The text and HTML bodies for ``notice`` on list ``dl``, rendered once per notice instance and list."""
    cache = notice.__dict__.setdefault("_email_bodies", {})
    key = (dl.pk if dl is not None else None, notice.notice_id, notice.updated_at)
    if key not in cache:
        context = {
            "notice": notice,
            "long_description_html": render_markdown(notice.long_description),
            "unsubscribe_url": _UNSUBSCRIBE_PLACEHOLDER,
            "preferences_url": _PREFERENCES_PLACEHOLDER,
            "attachments": [
                {"name": a.original_name, "url": settings.SITE_URL + a.get_absolute_url()}
                for a in notice.attachments.all()
            ],
            "list": dl,
            "archive_url": settings.SITE_URL + notice.get_absolute_url(),
        }
        cache[key] = (
            render_to_string("emails/notices/notice.txt", context),
            render_to_string("emails/notices/notice.html", context),
        )
    return cache[key]


def _thread_parents(notice: Notice) -> tuple[int, int] | None:
    """For an update or a cancellation, the pks of its thread's first notice and of the notice it follows.

    Looked up once per notice instance (a send chunk builds all its messages from one instance).
    """
    if notice.previous_id is None:
        return None
    cache = notice.__dict__
    if "_thread_parents" not in cache:
        root = (
            Notice.objects.filter(thread_id=notice.thread_id, number__isnull=False)
            .order_by("number")
            .values_list("pk", flat=True)
            .first()
        )
        cache["_thread_parents"] = (root or notice.previous_id, notice.previous_id)
    return cache["_thread_parents"]


def thread_headers(notice: Notice, email: str) -> dict[str, str]:
    """``In-Reply-To`` the notice this one follows and ``References`` the thread's first notice then that one
    (RFC 5322), with the Message-IDs this recipient got (or would have got) for them, so mail clients group a thread.
    """
    parents = _thread_parents(notice)
    if parents is None:
        return {}
    root, previous = (notice_message_id(pk, email) for pk in parents)
    return {"In-Reply-To": previous, "References": previous if root == previous else f"{root} {previous}"}


def recipient_headers(notice: Notice, delivery: NoticeDelivery, unsubscribe: str | None = None) -> dict[str, str]:
    """The headers that differ per recipient, but ``To``: Message-ID, List-Unsubscribe and the thread headers
    (``notices.wire`` splices them into a message serialized once per chunk)."""
    unsubscribe = unsubscribe or unsubscribe_url(delivery)
    mailto = settings.NOTICE_UNSUBSCRIBE_MAILTO
    return {
        "Message-ID": delivery.message_id,
        "List-Unsubscribe": f"<{unsubscribe}>, <mailto:{mailto}?subject={quote('unsubscribe ' + delivery.token)}>",
        **thread_headers(notice, delivery.email),
    }


def build_message(
    notice: Notice, delivery: NoticeDelivery, connection=None, *, preferences: str | None = None
) -> EmailMultiAlternatives:
    """``delivery``'s message. ``preferences`` is the recipient's preferences link when the caller has made it already:
    its signed token carries the second it was signed in, so two calls of :func:`preferences_url` can differ."""
    unsubscribe = unsubscribe_url(delivery)
    preferences = preferences or preferences_url(delivery.email)
    dl = delivery.distribution_list
    text, html = _bodies(notice, dl)
    subject = f"{notice.notice_id} {notice.notice_type.name}: {notice.short_description}"
    personal = recipient_headers(notice, delivery, unsubscribe)
    headers = {
        "Message-ID": personal.pop("Message-ID"),
        "List-Unsubscribe": personal.pop("List-Unsubscribe"),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        **personal,  # the thread headers
    }
    if dl is not None:
        headers["List-Id"] = f"{dl.name} <{dl.list_id}>"
    message = EmailMultiAlternatives(
        subject=subject[:250],
        body=text.replace(_UNSUBSCRIBE_PLACEHOLDER, unsubscribe).replace(_PREFERENCES_PLACEHOLDER, preferences),
        to=[delivery.email],
        headers=headers,
        connection=connection,
    )
    html = html.replace(_UNSUBSCRIBE_PLACEHOLDER, escape(unsubscribe)).replace(
        _PREFERENCES_PLACEHOLDER, escape(preferences)
    )
    message.attach_alternative(html, "text/html")
    return message
