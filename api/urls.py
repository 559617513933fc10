"""/api/: the schema, its documentation and v1. Anything else under /api/ is a 404 problem, not the HTML page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .endpoints import cases, notices, participant, qualification, registration
from .problems import not_found
from .views import portal as portal_views

v1_patterns = [
    path("participant", participant.ParticipantView.as_view(), name="participant"),
    path("cases", cases.CaseListView.as_view(), name="cases"),
    path("cases/inquiries", cases.InquiryCreateView.as_view(), name="inquiries"),
    path("cases/disputes", cases.DisputeCreateView.as_view(), name="disputes"),
    path("cases/disputes/bulk", cases.DisputeBulkCreateView.as_view(), name="disputes-bulk"),
    path("cases/<str:reference>", cases.CaseDetailView.as_view(), name="case"),
    path("cases/<str:reference>/replies", cases.CaseReplyView.as_view(), name="case-replies"),
    path("cases/<str:reference>/withdraw", cases.CaseWithdrawView.as_view(), name="case-withdraw"),
    path("cases/<str:reference>/reopen", cases.CaseReopenView.as_view(), name="case-reopen"),
    path("cases/<str:reference>/decision/accept", cases.DecisionAcceptView.as_view(), name="case-decision-accept"),
    path("cases/<str:reference>/decision/reject", cases.DecisionRejectView.as_view(), name="case-decision-reject"),
    path("cases/<str:reference>/attachments/<int:pk>", cases.AttachmentDownloadView.as_view(), name="case-attachment"),
    path("notices", notices.NoticeListView.as_view(), name="notices"),
    path("notices/action-required", notices.ActionRequiredListView.as_view(), name="notices-action-required"),
    path("notices/<str:identifier>", notices.NoticeDetailView.as_view(), name="notice"),
    path("notices/<str:identifier>/acknowledge", notices.NoticeAcknowledgeView.as_view(), name="notice-acknowledge"),
    path(
        "qualification/enrollments",
        qualification.EnrollmentListView.as_view(),
        name="qualification-enrollments",
    ),
    path("qualification/letters", qualification.LetterListView.as_view(), name="qualification-letters"),
    path("qualification/letters/<int:pk>", qualification.LetterDetailView.as_view(), name="qualification-letter"),
    path(
        "qualification/letters/<int:pk>/pdf",
        qualification.LetterPdfView.as_view(),
        name="qualification-letter-pdf",
    ),
    path(
        "registration/applications",
        registration.ApplicationListView.as_view(),
        name="registration-applications",
    ),
    path(
        "registration/applications/<str:reference>",
        registration.ApplicationDetailView.as_view(),
        name="registration-application",
    ),
]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # The split view loads its start-up script from a URL (no inline script: our CSP); our template drops the
        # inline <style> drf-spectacular's has.
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("v1/", include((v1_patterns, "v1"))),
    re_path(r"^.*$", not_found),
]

# The USA's pages, under /portal/ (namespace "portal").
portal_patterns = [
    path("api-keys/", portal_views.ApiKeyListView.as_view(), name="api-keys"),
    path("api-keys/<int:pk>/", portal_views.ApiKeyDetailView.as_view(), name="api-keys-detail"),
    path("api-keys/new/", portal_views.ApiKeyCreateView.as_view(), name="api-keys-create"),
    path("api-keys/<int:pk>/revoke/", portal_views.ApiKeyRevokeView.as_view(), name="api-keys-revoke"),
    path("webhooks/", portal_views.WebhookEndpointListView.as_view(), name="webhooks"),
    path("webhooks/new/", portal_views.WebhookEndpointCreateView.as_view(), name="webhooks-create"),
    path("webhooks/<int:pk>/", portal_views.WebhookEndpointDetailView.as_view(), name="webhook"),
    path("webhooks/<int:pk>/edit/", portal_views.WebhookEndpointUpdateView.as_view(), name="webhook-edit"),
    path("webhooks/<int:pk>/rotate/", portal_views.WebhookEndpointRotateView.as_view(), name="webhook-rotate"),
    path("webhooks/<int:pk>/disable/", portal_views.WebhookEndpointDisableView.as_view(), name="webhook-disable"),
    path("webhooks/<int:pk>/enable/", portal_views.WebhookEndpointEnableView.as_view(), name="webhook-enable"),
    path("webhooks/<int:pk>/test/", portal_views.WebhookEndpointTestView.as_view(), name="webhook-test"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/resend/",
        portal_views.WebhookDeliveryResendView.as_view(),
        name="webhook-delivery-resend",
    ),
]
