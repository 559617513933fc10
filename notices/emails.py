"""Building a notice email for one recipient: text and HTML in the template's order, list headers."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Notice, NoticeDelivery
from .rendering import render_markdown


def unsubscribe_url(delivery: NoticeDelivery) -> str:
    return settings.SITE_URL + reverse("notices:unsubscribe", args=[delivery.token])


def build_message(notice: Notice, delivery: NoticeDelivery, connection=None) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(delivery)
    dl = delivery.distribution_list
    context = {
        "notice": notice,
        "long_description_html": render_markdown(notice.long_description),
        "unsubscribe_url": unsubscribe,
        "list": dl,
        "archive_url": settings.SITE_URL + notice.get_absolute_url(),
    }
    subject = f"{notice.notice_id} {notice.notice_type.name}: {notice.short_description}"
    mailto = settings.NOTICE_UNSUBSCRIBE_MAILTO
    headers = {
        "Message-ID": delivery.message_id,
        "List-Unsubscribe": f"<{unsubscribe}>, <mailto:{mailto}?subject={quote('unsubscribe ' + delivery.token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }
    if dl is not None:
        headers["List-Id"] = f"{dl.name} <{dl.list_id}>"
    message = EmailMultiAlternatives(
        subject=subject[:250],
        body=render_to_string("emails/notices/notice.txt", context),
        to=[delivery.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string("emails/notices/notice.html", context), "text/html")
    return message
