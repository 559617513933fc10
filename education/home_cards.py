"""The knowledge base's and market rules' cards on the staff home (see ``ercot_services.core.home_cards``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card

from .models import Article, ArticleStatus
from .selectors.rules import rule_changes_for_manager


@register_card("rule-changes-my-mps", groups=[StaffGroup.ACCOUNT_MANAGER], mine=True, order=60)
def rule_changes_touching_my_mps(user, *, today):
    """Revision requests that changed status in the last 30 days and are cited by cases of the user's MPs."""
    return card_from_queryset(
        rule_changes_for_manager(user, today=today),
        title="Rule changes touching your MPs",
        row=lambda change: CardRow(
            label=f"{change.revision_request.label} · {change.revision_request.title}",
            url=change.revision_request.get_absolute_url(),
            detail=f"{change.get_to_status_display()} {format_date(timezone.localtime(change.changed_at), 'M j')}",
        ),
        list_url=reverse("education:rules"),
        list_label="All market rules",
        empty_text="No rule cited by your MPs' cases changed in the last 30 days.",
    )


@register_card(
    "articles-to-approve", groups=[StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.NOTICE_PUBLISHER], mine=True, order=70
)
def articles_to_approve(user, *, today):
    return card_from_queryset(
        Article.objects.filter(status=ArticleStatus.IN_REVIEW)
        .exclude(author=user)
        .select_related("category")
        .order_by("updated_at", "pk"),
        title="Articles waiting for my approval",
        row=lambda article: CardRow(label=article.title, url=article.get_staff_url(), detail=article.category.name),
        list_url=f"{reverse('workspace:kb-articles')}?show={ArticleStatus.IN_REVIEW}",
        list_label="All articles in review",
        empty_text="No knowledge base article is waiting for your approval.",
    )
