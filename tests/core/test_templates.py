"""House rules for templates."""

from pathlib import Path

from django.conf import settings


def test_no_template_carries_an_inline_style_block():
    """Styles live in static/css (one cacheable file, and a Content Security Policy without 'unsafe-inline')."""
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [str(path.relative_to(templates)) for path in templates.rglob("*.html") if "<style" in path.read_text()]
    assert offenders == []
