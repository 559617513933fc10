"""The one way to write an action view, and the one check of a ``next`` URL.

An action is a page with one form whose POST calls one service. GET shows the form (prefilled); POST validates it
and calls the service. A ``DomainError`` from the service (a rule the person can act on) becomes an error on the
form, and an invalid form or a refused write shows the page again with status 400 and what was typed kept. On
success the person gets a message and a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .models import DomainError

# The fragment most action views answer an htmx GET with: their form and buttons, for a row's editor.
INLINE_FORM_TEMPLATE = "includes/inline_form.html"


# The name and value of the button that confirms a consequential action (``ActionView.get_confirmation``).
CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


@dataclass(frozen=True)
class Confirmation:
    """A consequence a person confirms before the service runs: the page shows ``message`` and a form that posts
    the same values again (``data``) with ``CONFIRM_FIELD``; what they typed stays in the form below it."""

    message: str
    button_label: str
    action: str = ""
    data: tuple[tuple[str, str], ...] = ()


def safe_next_url(request, fallback: str = "", *, under: str = "") -> str:
    """The ``next`` of this request (POST first, then GET) when it stays on this site, else ``fallback``.

    Django's ``url_has_allowed_host_and_scheme`` refuses another host, a scheme-relative ``//host``, ``javascript:``
    and the backslash tricks browsers read as a host; on HTTPS it also refuses a plain ``http://`` URL. ``under``
    narrows it to paths of one area (``/portal/``): the portal never sends its users back into the workspace.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    if under and not (target.startswith(under) and "//" not in target and "\\" not in target):
        return fallback
    return target


def add_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form that asked for it: the one way every view does it.

    The field errors of a wrapped model validation (``error.fields``) go to the form's fields of those names, an
    error naming one field (``error.field``) goes to it, and the rest (or the message) goes above the form, in the
    error summary.
    """
    placed = False
    for field, field_messages in error.fields.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, str(error))


class ActionView(View):
    """Form → service → ``DomainError`` on the form, or a message and a redirect.

    A subclass says only what is its own:

    - ``get_object()``: what the URL names (``self.kwargs``), a 404 if unknown; ``None`` when there is nothing;
    - ``form_class``, ``get_form_kwargs()``, ``get_initial()``;
    - ``template_name`` and ``get_context(form)`` (or ``render_form`` when the form lives on another page);
    - ``fragment_template_name``: the form alone, which an htmx GET (a list row's "Edit") loads in place of the
      whole page; its POST is an ordinary one, so the same view answers it;
    - ``perform(form)``: calls the service with ``form.cleaned_data`` and returns its result (``self.result``);
    - ``success_message`` / ``get_success_message(form)`` and ``success_url`` / ``get_success_url()``; when they
      depend on what the service did, ``perform`` may set ``self.success_message`` and ``self.success_url``.

    ``self.object`` is set before any hook runs. A ``DomainError`` whose ``field`` names a field of the form goes on
    that field, any other on the form as a whole.
    """

    form_class: type[Form]
    template_name = ""
    fragment_template_name = ""
    success_message = ""
    success_url = ""
    http_method_names = ["get", "post", "head", "options"]

    object: Any = None
    result: Any = None
    confirmation: Confirmation | None = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None
        self.result = None
        self.confirmation = None

    def get_object(self):
        return None

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    def get_form(self, data=None, files=None) -> Form:
        """The form bound to ``data`` on POST; on GET, unbound and prefilled from ``get_initial``."""
        if data is None:
            return self.form_class(initial=self.get_initial(), **self.get_form_kwargs())
        return self.form_class(data, files, **self.get_form_kwargs())

    def get_context(self, form) -> dict:
        return {}

    def wants_fragment(self) -> bool:
        """An htmx GET of a view that has a fragment: answer with the form alone."""
        return bool(
            self.fragment_template_name and getattr(self.request, "htmx", False) and self.request.method == "GET"
        )

    def render_form(self, form, status: int = 200) -> HttpResponse:
        template = self.fragment_template_name if self.wants_fragment() else self.template_name
        context = {"form": form, "confirmation": self.confirmation, **self.get_context(form)}
        return render(self.request, template, context, status=status)

    def get_confirmation(self, form) -> Confirmation | None:
        """The consequence of this valid form the person must confirm before the service runs (resolving a dispute
        for much less than claimed, withdrawing, rejecting, cancelling), or ``None``. A POST that carries
        ``CONFIRM_FIELD`` was confirmed: the service runs (and its own rules still apply)."""
        return None

    def _confirmation_needed(self, form) -> Confirmation | None:
        if self.request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE:
            return None
        needed = self.get_confirmation(form)
        if needed is None:
            return None
        data = tuple(
            (name, value)
            for name, values in self.request.POST.lists()
            if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
            for value in values
        )
        return Confirmation(needed.message, needed.button_label, needed.action or self.request.path, data)

    def perform(self, form):
        """Call the service with ``form.cleaned_data``; what it returns becomes ``self.result``."""
        raise NotImplementedError

    def get_success_message(self, form) -> str:
        return self.success_message

    def get_success_url(self) -> str:
        return self.success_url

    def form_invalid(self, form) -> HttpResponse:
        return self.render_form(form, status=400)

    def _load_object(self):
        """Read the object once per request: a subclass that needed it before ``post`` (a permission check) keeps
        it in ``self.object`` and is not charged a second query."""
        if self.object is None:
            self.object = self.get_object()

    def get(self, request, *args, **kwargs):
        self._load_object()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self._load_object()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid() and (confirmation := self._confirmation_needed(form)):
            self.confirmation = confirmation
            return self.render_form(form, status=200)
        if form.is_valid():
            try:
                self.result = self.perform(form)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                message = self.get_success_message(form)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url())
        return self.form_invalid(form)
