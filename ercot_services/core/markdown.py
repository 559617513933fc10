"""Safe Markdown: the one sanitiser of text people write in Markdown (market notices, knowledge base articles).

Markdown becomes HTML, then bleach keeps only the tags below (no script, no event handler attributes, links only to
http, https and mailto), so what an author types can never run in a reader's browser.
"""

from __future__ import annotations

import bleach
import markdown

ALLOWED_TAGS = [
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]


def markdown_to_safe_html(text: str, *, extensions: tuple[str, ...] = ("sane_lists",)) -> str:
    """The sanitised HTML of ``text`` (a plain ``str``: the caller marks it safe once it has finished with it)."""
    html = markdown.markdown(text or "", extensions=list(extensions))
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True)
