"""Control characters are taken out of request input before any view sees it: the one place for every form.

NUL is refused by PostgreSQL in text (a search for ``%00`` was a 500), the other C0 control characters are
invalid in the XML of the notice feeds, and none of them is anything a person meant to type. They are stripped
rather than refused, so a form still keeps what was typed and a search still runs: in a query string every C0
character goes; in a form body tab, line feed and carriage return stay, because a textarea holds them. A URL
path with a control character names nothing, and is a 400; a cookie with one is dropped.
"""

import re

from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict

QUERY_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")
BODY_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharactersInPath(SuspiciousOperation):
    """A URL path with a control character (Django answers a SuspiciousOperation with a 400)."""


def without_control_characters(data: QueryDict, pattern: re.Pattern) -> QueryDict:
    """``data`` with ``pattern`` removed from every key and value (``data`` itself when there is nothing to remove)."""
    if not any(pattern.search(key) or any(pattern.search(value) for value in values) for key, values in data.lists()):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        key = pattern.sub("", key)
        cleaned.setlist(key, cleaned.getlist(key) + [pattern.sub("", value) for value in values])
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    """Sits before the session middleware, so a session cookie with a NUL never reaches the session store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if QUERY_CONTROL_CHARACTERS.search(request.path):
            raise ControlCharactersInPath("A control character in the URL path.")
        request.GET = without_control_characters(request.GET, QUERY_CONTROL_CHARACTERS)
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if not QUERY_CONTROL_CHARACTERS.search(name) and not QUERY_CONTROL_CHARACTERS.search(value)
        }
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A view exempt from CSRF is a machine endpoint that may read its raw body (the bounce webhook): parsing the
        # form here would make that body unreadable, so its form data is left to it.
        if (
            request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and not getattr(view_func, "csrf_exempt", False)
        ):
            request.POST = without_control_characters(request.POST, BODY_CONTROL_CHARACTERS)
        return None
