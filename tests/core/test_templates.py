"""House rules for templates."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template

from ercot_services.core.badges import BADGES, TONES
from ercot_services.core.forms import LayoutMixin

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def _name(path: Path) -> str:
    return str(path.relative_to(TEMPLATES))


def test_no_template_carries_an_inline_style_block():
    """Styles live in static/css (one cacheable file, and a Content Security Policy without 'unsafe-inline')."""
    offenders = [_name(path) for path in _templates() if "<style" in path.read_text()]
    assert offenders == []


# --- the Content Security Policy (README "Content Security Policy and headers") ---------------------------------------

# Emails are read by mail clients, not under the site's policy, and mail clients want inline styles.
EMAILS = "emails/"
# A <script> tag that runs code of its own: no src, and not a data block (json_script writes type="application/json").
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>")
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\sstyle=")
# onclick=, onchange=, onsubmit=…: code in an attribute, which the policy never runs.
EVENT_HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+=")


# Templates allowed one inline script carrying the request's nonce (``<script nonce="{{ request.csp_nonce }}">``), for
# the rare code that cannot be a static file. None today: adding one is a decision, made here.
NONCED_INLINE_SCRIPTS: frozenset[str] = frozenset()
NONCE_ATTRIBUTE = 'nonce="{{ request.csp_nonce }}"'


def _page_templates():
    return [path for path in _templates() if not _name(path).startswith(EMAILS)]


def _page_offenders(pattern: re.Pattern) -> list[str]:
    return [
        f"{_name(path)}: {match.group(0)}" for path in _page_templates() for match in pattern.finditer(path.read_text())
    ]


def test_no_page_template_carries_an_inline_script():
    """Scripts live in static/js and load with ``<script src>``; the policy runs no inline script without a nonce."""
    offenders = [
        offence
        for offence in _page_offenders(INLINE_SCRIPT)
        if not (offence.split(":")[0] in NONCED_INLINE_SCRIPTS and NONCE_ATTRIBUTE in offence)
    ]
    assert offenders == []


def test_no_page_template_carries_a_style_attribute():
    """Utility classes (Bootstrap's, then static/css/app.css) instead: the policy applies no inline style."""
    assert _page_offenders(STYLE_ATTRIBUTE) == []


def test_no_page_template_carries_an_inline_event_handler():
    """A data attribute read by a static script instead (``data-autosubmit``, ``data-opens-editor``)."""
    assert _page_offenders(EVENT_HANDLER_ATTRIBUTE) == []


def test_the_template_rules_catch_what_they_forbid():
    """The patterns are not vacuous: each finds its offence, and lets the allowed forms through."""
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script nonce="{{ request.csp_nonce }}">x()</script>')
    assert not INLINE_SCRIPT.search("<script src=\"{% static 'js/app.js' %}\"></script>")
    assert not INLINE_SCRIPT.search('<script id="data" type="application/json">{}</script>')
    assert STYLE_ATTRIBUTE.search('<div class="x" style="width: 1px">')
    assert not STYLE_ATTRIBUTE.search('<div class="style-guide" data-style="x">')
    assert EVENT_HANDLER_ATTRIBUTE.search('<select onchange="this.form.submit()">')
    assert not EVENT_HANDLER_ATTRIBUTE.search("<select data-autosubmit>")


# --- shared partials ---------------------------------------------------------------------------------------------


def _offenders(pattern: re.Pattern, allowed=frozenset()) -> list[str]:
    return [
        f"{_name(path)}: {match.group(0)}"
        for path in _templates()
        if _name(path) not in allowed
        for match in pattern.finditer(path.read_text())
    ]


# Counts (queue tabs, status filters) and the review clock are numbers, not statuses: their colour is their own.
COLOURED_COUNTS = {
    "workspace/cases/queue.html",
    "portal/cases/list.html",
    "workspace/registration/_clock.html",
    "workspace/_home_card.html",
}


def test_a_status_pill_takes_its_colour_from_the_one_badge_table():
    """A badge whose colour the template decides is a status pill: includes/status_badge.html draws it."""
    assert _offenders(re.compile(r'class="badge[^"]*{%|text-bg-{{'), allowed=COLOURED_COUNTS) == []


def test_every_status_pill_names_a_kind_of_the_badge_table():
    kinds = {
        kind for path in _templates() for kind in re.findall(r'status_badge\.html" with kind="(\w+)"', path.read_text())
    }
    assert kinds and kinds <= set(BADGES), kinds - set(BADGES)
    for kind, badges in BADGES.items():
        assert "*" in badges, kind
        assert {badge.tone for badge in badges.values()} <= set(TONES), kind


def test_an_empty_table_says_so_with_the_one_empty_row():
    """``{% empty_row colspan=… %}`` (includes/empty_row.html), never a hand-written ``<tr><td colspan>``."""
    assert _offenders(re.compile(r"{%\s*empty\s*%}\s*<tr")) == []


def test_page_links_are_drawn_by_the_one_pagination_partial():
    """List pages end with includes/list_footer.html; sections of a page include includes/pagination.html."""
    assert _offenders(re.compile(r'class="pagination'), allowed={"includes/pagination.html"}) == []


# --- forms -----------------------------------------------------------------------------------------------------------

# Fields placed one by one (|as_crispy_field), or a form drawn without its helper (|crispy, |as_crispy_form).
HAND_PLACED_FIELDS = re.compile(r"\|\s*(as_crispy_field|crispy|as_crispy_form)\b")


def test_forms_are_drawn_by_the_layout_of_their_form_helper_not_placed_by_hand():
    """``{% crispy form %}`` draws the fields where the form's ``get_layout()`` puts them (ercot_services/core/forms.py).

    What a widget cannot draw (the requester grouped by MP, the attendees by side, the rating buttons, the change types
    with their help) is a partial the layout places with ``Partial``; nothing is left to place by hand.
    """
    offenders = [
        f"{_name(path)}: {match.group(0)}"
        for path in _templates()
        for match in HAND_PLACED_FIELDS.finditer(path.read_text())
    ]
    assert offenders == []


def test_every_form_drawn_by_its_layout_shows_the_error_summary():
    """The layout leaves a form's non-field errors out: the template includes the one summary that shows them."""
    missing = []
    for path in _templates():
        text = path.read_text()
        for name in re.findall(r"{%\s*crispy\s+([\w.]+)", text):
            summary = r'{%\s*include "includes/form_errors.html"' + (
                r"(?! with form=)" if name == "form" else rf" with form={re.escape(name)}\b"
            )
            if not re.search(summary, text):
                missing.append(f"{_name(path)}: {name}")
    assert missing == []


class _NameForm(LayoutMixin, forms.Form):
    name = forms.CharField(help_text="As on the contract.")

    def clean(self):
        raise ValidationError("Something about the whole form.")


def test_a_layout_form_draws_its_fields_inside_the_templates_form_tag_without_its_non_field_errors():
    form = _NameForm(data={})
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))

    assert "<form" not in html and "csrfmiddlewaretoken" not in html  # the template writes both
    assert 'id="id_name"' in html and 'id="id_name_helptext"' in html
    assert '<p id="error_1_id_name"><strong>Enter the name.</strong></p>' in html
    assert "Something about the whole form." not in html  # shown once, in includes/form_errors.html
