"""Education pages in the three areas: public (/education/, namespace "education"), the portal and the workspace
(added to the "portal" and "workspace" namespaces by the project's URLconf).

One block per part of the app: courses, sessions and enrolment; the knowledge base and market rules.
"""

from django.urls import path

from .views.portal import courses as courses_portal
from .views.portal import knowledge as portal_knowledge
from .views.public import courses as courses_public
from .views.public import knowledge as public_knowledge
from .views.public import rules as public_rules
from .views.staff import courses as courses_staff
from .views.staff import knowledge as staff_knowledge
from .views.staff import rules as staff_rules

public_patterns: list = []
portal_patterns: list = []
workspace_patterns: list = []

# --- courses, sessions and enrolment ---------------------------------------------------------------------------------
public_patterns += [
    path("", courses_public.CatalogueView.as_view(), name="catalogue"),
    path("courses/<slug:slug>/", courses_public.CourseDetailView.as_view(), name="course"),
    path("courses/<slug:slug>/materials/<int:pk>/", courses_public.MaterialDownloadView.as_view(), name="material"),
]
portal_patterns += [
    path("education/", courses_portal.EducationHomeView.as_view(), name="education"),
    path("education/sessions/<int:pk>/enrol/", courses_portal.EnrolView.as_view(), name="education-enrol"),
    path(
        "education/enrolments/<int:pk>/cancel/",
        courses_portal.CancelEnrolmentView.as_view(),
        name="education-enrolment-cancel",
    ),
    path(
        "education/enrolments/<int:pk>/invite.ics",
        courses_portal.InvitationView.as_view(),
        name="education-enrolment-ics",
    ),
    path(
        "education/enrolments/<int:pk>/certificate.pdf",
        courses_portal.CertificateView.as_view(),
        name="education-certificate",
    ),
]
workspace_patterns += [
    path("education/sessions/", courses_staff.SessionListView.as_view(), name="course-sessions"),
    path("education/sessions/new/", courses_staff.SessionNewView.as_view(), name="course-session-new"),
    path("education/sessions/<int:pk>/", courses_staff.SessionDetailView.as_view(), name="course-session"),
    path("education/sessions/<int:pk>/edit/", courses_staff.SessionEditView.as_view(), name="course-session-edit"),
    path(
        "education/sessions/<int:pk>/cancel/",
        courses_staff.SessionCancelView.as_view(),
        name="course-session-cancel",
    ),
    path(
        "education/sessions/<int:pk>/attendance/",
        courses_staff.AttendanceView.as_view(),
        name="course-session-attendance",
    ),
    path("education/sessions/<int:pk>/enrol/", courses_staff.StaffEnrolView.as_view(), name="course-session-enrol"),
    path(
        "education/enrolments/<int:pk>/cancel/",
        courses_staff.StaffCancelEnrolmentView.as_view(),
        name="course-enrolment-cancel",
    ),
    path(
        "participants/<int:pk>/recommend-course/",
        courses_staff.RecommendView.as_view(),
        name="participant-recommend-course",
    ),
]

# --- the knowledge base and market rules ---------------------------------------------------------------------------
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
