"""Case pages (inquiries, disputes, issue patterns, market incidents), mounted inside the portal and workspace namespaces by
ercot_services/urls.py."""

from django.urls import path

from .views import portal, staff
from .views.portal import decisions as portal_decisions
from .views.portal.dispute_files import DisputeFileFiledView, DisputeFileTemplateView, DisputeFileView
from .views.staff import decisions as staff_decisions
from .views.staff.dispute_days import DisputeDaysResolveView

portal_patterns = [
    path("cases/", portal.CaseListView.as_view(), name="cases"),
    path("cases/new/inquiry/", portal.InquiryCreateView.as_view(), name="case-new-inquiry"),
    path("cases/new/dispute/", portal.DisputeCreateView.as_view(), name="case-new-dispute"),
    path("cases/new/disputes-file/", DisputeFileView.as_view(), name="disputes-file"),
    path("cases/new/disputes-file/template.csv", DisputeFileTemplateView.as_view(), name="disputes-file-template"),
    path("cases/new/disputes-file/filed/", DisputeFileFiledView.as_view(), name="disputes-file-filed"),
    path("cases/dispute-deadline/", portal.DisputeDeadlineView.as_view(), name="dispute-deadline"),
    path("cases/deadlines/", portal.DisputeDeadlinesView.as_view(), name="dispute-deadlines"),
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
    path("cases/<str:reference>/resolve-days/", DisputeDaysResolveView.as_view(), name="case-resolve-days"),
    path("cases/<str:reference>/adr/", staff_decisions.AdrRecordView.as_view(), name="case-adr"),
    path("cases/<str:reference>/market-effect/", staff_decisions.MarketEffectView.as_view(), name="case-market-effect"),
    path("patterns/", staff.PatternListView.as_view(), name="patterns"),
    path("incidents/", staff.IncidentListView.as_view(), name="incidents"),
    path("incidents/<int:pk>/", staff.IncidentDetailView.as_view(), name="incident-detail"),
    path("incidents/<int:pk>/confirm/", staff.IncidentConfirmView.as_view(), name="incident-confirm"),
    path("incidents/<int:pk>/dismiss/", staff.IncidentDismissView.as_view(), name="incident-dismiss"),
    path("incidents/<int:pk>/resolve/", staff.IncidentResolveView.as_view(), name="incident-resolve"),
    path("incidents/<int:pk>/link/", staff.IncidentLinkView.as_view(), name="incident-link"),
    path("incidents/<int:pk>/unlink/", staff.IncidentUnlinkView.as_view(), name="incident-unlink"),
    path("incidents/<int:pk>/reply/", staff.IncidentReplyView.as_view(), name="incident-reply"),
]
