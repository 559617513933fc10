"""Education pages in the three areas: public (/education/), the portal and the workspace.

Each part of the app (courses, knowledge base, market rules) adds its patterns to these lists.
"""

public_patterns: list = []
portal_patterns: list = []
workspace_patterns: list = []

# --- the knowledge base and market rules (h8) ---------------------------------------------------------------------
from django.urls import path  # noqa: E402

from .views.portal import knowledge as portal_knowledge  # noqa: E402
from .views.public import knowledge as public_knowledge  # noqa: E402
from .views.public import rules as public_rules  # noqa: E402
from .views.staff import knowledge as staff_knowledge  # noqa: E402
from .views.staff import rules as staff_rules  # noqa: E402

public_patterns += [
    path("kb/", public_knowledge.KnowledgeBaseView.as_view(), name="kb"),
    path("kb/<slug:slug>/", public_knowledge.ArticleView.as_view(), name="kb-article"),
    path("rules/", public_rules.RulesView.as_view(), name="rules"),
    path("rules/sections/<int:pk>/", public_rules.SectionView.as_view(), name="rules-section"),
    path("rules/revisions/<int:pk>/", public_rules.RevisionView.as_view(), name="rules-revision"),
]
portal_patterns += [
    path("education/kb/suggest", portal_knowledge.SuggestView.as_view(), name="kb-suggest"),
    path("education/kb/answered", portal_knowledge.AnsweredView.as_view(), name="kb-answered"),
]
workspace_patterns += [
    path("education/kb/", staff_knowledge.ArticleListView.as_view(), name="kb-articles"),
    path("education/kb/new/", staff_knowledge.ArticleCreateView.as_view(), name="kb-article-new"),
    path("education/kb/<int:pk>/", staff_knowledge.ArticleDetailView.as_view(), name="kb-article"),
    path("education/kb/<int:pk>/edit/", staff_knowledge.ArticleEditView.as_view(), name="kb-article-edit"),
    path("education/kb/<int:pk>/<slug:action>/", staff_knowledge.ArticleActionView.as_view(), name="kb-article-action"),
    path(
        "education/citations/<slug:target>/<int:pk>/", staff_rules.CitationsBlockView.as_view(), name="citations-block"
    ),
    path("education/citations/add/", staff_rules.CitationAddView.as_view(), name="citation-add"),
    path("education/citations/<int:pk>/remove/", staff_rules.CitationRemoveView.as_view(), name="citation-remove"),
]
