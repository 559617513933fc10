"""Safe Markdown for notice descriptions, with notice IDs in the text turned into links."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.safestring import mark_safe

from ercot_services.core.markdown import markdown_to_safe_html

# M-A042424-01, W-A042224-01, and the old form without a thread letter, M-042424-01.
NOTICE_ID = re.compile(r"\b([MWR])-([A-Z]{0,2})(\d{6})-(\d{2})\b")


def _link_ids(html: str) -> str:
    def replace(match):
        notice_id = match.group(0)
        return f'<a href="{reverse("notices:detail", args=[notice_id])}">{notice_id}</a>'

    # Only outside existing tags/links: split on tags and rewrite text nodes.
    parts = re.split(r"(<[^>]+>)", html)
    inside_link = False
    for i, part in enumerate(parts):
        if part.startswith("<a"):
            inside_link = True
        elif part.startswith("</a"):
            inside_link = False
        elif not part.startswith("<") and not inside_link:
            parts[i] = NOTICE_ID.sub(replace, part)
    return "".join(parts)


def render_markdown(text: str) -> str:
    # Notices keep their h3/h4 sections; the sanitiser is the project's one (core.markdown).
    clean = markdown_to_safe_html(text)
    return mark_safe(_link_ids(clean))  # noqa: S308  (bleach-sanitised above)
