from django.urls import path

from .views import cases_portal, cases_staff, metrics, participants, patterns

portal_patterns = (
    [
        path("", participants.PortalHomeView.as_view(), name="home"),
        path("company/<int:pk>/", participants.PortalCompanyView.as_view(), name="company"),
        path("switch/<int:pk>/", participants.PortalSwitchView.as_view(), name="switch"),
        path("cases/", cases_portal.CaseListView.as_view(), name="cases"),
        path("cases/new/inquiry/", cases_portal.InquiryCreateView.as_view(), name="case-new-inquiry"),
        path("cases/new/dispute/", cases_portal.DisputeCreateView.as_view(), name="case-new-dispute"),
        path("cases/dispute-deadline/", cases_portal.DisputeDeadlineView.as_view(), name="dispute-deadline"),
        path("cases/attachments/<int:pk>/", cases_portal.AttachmentDownloadView.as_view(), name="case-attachment"),
        path("cases/<str:reference>/", cases_portal.CaseDetailView.as_view(), name="case-detail"),
        path("cases/<str:reference>/reply/", cases_portal.CaseReplyView.as_view(), name="case-reply"),
        path("cases/<str:reference>/withdraw/", cases_portal.CaseWithdrawView.as_view(), name="case-withdraw"),
        path("cases/<str:reference>/reopen/", cases_portal.CaseReopenView.as_view(), name="case-reopen"),
    ],
    "portal",
)

workspace_patterns = (
    [
        path("", participants.WorkspaceHomeView.as_view(), name="home"),
        path("participants/", participants.ParticipantListView.as_view(), name="participants"),
        path("participants/<int:pk>/", participants.ParticipantDetailView.as_view(), name="participant-detail"),
        path(
            "participants/<int:pk>/reassign/", participants.ParticipantReassignView.as_view(), name="participant-reassign"
        ),
        path("account-managers/", participants.AccountManagerListView.as_view(), name="account-managers"),
        path(
            "account-managers/<int:pk>/reassign-book/", participants.BookReassignView.as_view(), name="book-reassign"
        ),
        path("cases/", cases_staff.CaseQueueView.as_view(), name="cases"),
        path("cases/new/", cases_staff.CaseCreateView.as_view(), name="case-new"),
        path("cases/bulk/", cases_staff.CaseBulkView.as_view(), name="cases-bulk"),
        path("cases/attachments/<int:pk>/", cases_staff.AttachmentDownloadView.as_view(), name="case-attachment"),
        path("cases/<str:reference>/", cases_staff.CaseDetailView.as_view(), name="case-detail"),
        path("cases/<str:reference>/reply/", cases_staff.CaseReplyView.as_view(), name="case-reply"),
        path("cases/<str:reference>/transition/", cases_staff.CaseTransitionView.as_view(), name="case-transition"),
        path("cases/<str:reference>/assign/", cases_staff.CaseAssignView.as_view(), name="case-assign"),
        path("cases/<str:reference>/escalate/", cases_staff.CaseEscalateView.as_view(), name="case-escalate"),
        path("cases/<str:reference>/update/", cases_staff.CaseUpdateView.as_view(), name="case-update"),
        path("cases/<str:reference>/merge/", cases_staff.CaseMergeView.as_view(), name="case-merge"),
        path("cases/<str:reference>/link/", cases_staff.CaseLinkView.as_view(), name="case-link"),
        path("cases/<str:reference>/clone/", cases_staff.CaseCloneView.as_view(), name="case-clone"),
        path("patterns/", patterns.PatternListView.as_view(), name="patterns"),
        path("patterns/<int:pk>/", patterns.PatternDetailView.as_view(), name="pattern-detail"),
        path("patterns/<int:pk>/dismiss/", patterns.PatternDismissView.as_view(), name="pattern-dismiss"),
        path("metrics/", metrics.MetricsView.as_view(), name="metrics"),
        path("metrics/<slug:table>.csv", metrics.MetricsCsvView.as_view(), name="metrics-csv"),
    ],
    "workspace",
)
