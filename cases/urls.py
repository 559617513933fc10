"""Case pages (inquiries, disputes, issue patterns), mounted inside the portal and workspace namespaces by
ercot_services/urls.py."""

from django.urls import path

from .views import portal, staff
from .views.portal import decisions as portal_decisions
from .views.staff import decisions as staff_decisions

portal_patterns = [
    path("cases/", portal.CaseListView.as_view(), name="cases"),
    path("cases/new/inquiry/", portal.InquiryCreateView.as_view(), name="case-new-inquiry"),
    path("cases/new/dispute/", portal.DisputeCreateView.as_view(), name="case-new-dispute"),
    path("cases/dispute-deadline/", portal.DisputeDeadlineView.as_view(), name="dispute-deadline"),
    path("cases/attachments/<int:pk>/", portal.AttachmentDownloadView.as_view(), name="case-attachment"),
    path("cases/<str:reference>/", portal.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:reference>/reply/", portal.CaseReplyView.as_view(), name="case-reply"),
    path("cases/<str:reference>/withdraw/", portal.CaseWithdrawView.as_view(), name="case-withdraw"),
    path("cases/<str:reference>/reopen/", portal.CaseReopenView.as_view(), name="case-reopen"),
    path(
        "cases/<str:reference>/decision/accept/", portal_decisions.DecisionAcceptView.as_view(), name="decision-accept"
    ),
    path(
        "cases/<str:reference>/decision/reject/", portal_decisions.DecisionRejectView.as_view(), name="decision-reject"
    ),
]

workspace_patterns = [
    path("cases/", staff.CaseQueueView.as_view(), name="cases"),
    path("cases/new/", staff.CaseCreateView.as_view(), name="case-new"),
    path("cases/new/requesters/", staff.RequesterOptionsView.as_view(), name="case-new-requesters"),
    path("cases/bulk/", staff.CaseBulkView.as_view(), name="cases-bulk"),
    path("cases/attachments/<int:pk>/", staff.AttachmentDownloadView.as_view(), name="case-attachment"),
    path("cases/<str:reference>/", staff.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:reference>/reply/", staff.CaseReplyView.as_view(), name="case-reply"),
    path("cases/<str:reference>/transition/", staff.CaseTransitionView.as_view(), name="case-transition"),
    path("cases/<str:reference>/assign/", staff.CaseAssignView.as_view(), name="case-assign"),
    path("cases/<str:reference>/escalate/", staff.CaseEscalateView.as_view(), name="case-escalate"),
    path("cases/<str:reference>/update/", staff.CaseUpdateView.as_view(), name="case-update"),
    path("cases/<str:reference>/merge/", staff.CaseMergeView.as_view(), name="case-merge"),
    path("cases/<str:reference>/link/", staff.CaseLinkView.as_view(), name="case-link"),
    path("cases/<str:reference>/clone/", staff.CaseCloneView.as_view(), name="case-clone"),
    path("cases/<str:reference>/adr/", staff_decisions.AdrRecordView.as_view(), name="case-adr"),
    path("cases/<str:reference>/market-effect/", staff_decisions.MarketEffectView.as_view(), name="case-market-effect"),
    path("patterns/", staff.PatternListView.as_view(), name="patterns"),
]
