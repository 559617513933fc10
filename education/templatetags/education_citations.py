"""``{% load education_citations %}{% rule_citations case %}``: the rules a case, notice or article cites, with
the small form that adds one (staff who may). Cases' and notices' templates load it; their Python never imports
education."""

from __future__ import annotations

from django import template

from ..forms.staff.knowledge import rule_choices
from ..models import Article
from ..policies_knowledge import can_add_citation
from ..selectors.rules import citations_of

register = template.Library()


@register.inclusion_tag("education/rules/_citations.html", takes_context=True)
def rule_citations(context, obj, target: str = ""):
    """``target`` is "case", "notice" or "article" (guessed from the object's class when left out)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    target = target or ("article" if isinstance(obj, Article) else obj._meta.model_name)
    may_add = bool(user is not None and user.is_staff and can_add_citation(user))
    return {
        "citations": citations_of(**{target: obj}),
        "target": target,
        "target_id": obj.pk,
        "may_add": may_add,
        "choices": rule_choices()[1:] if may_add else [],  # the groups, after the empty choice
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
        "staff": bool(user is not None and user.is_staff),
    }
