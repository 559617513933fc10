"""Notice pages mounted inside the portal namespace (``/portal/notices/...``) by ercot_services/urls.py."""

from django.urls import path

from .views import portal

portal_patterns = [
    path("notices/", portal.InboxView.as_view(), name="notices"),
    path("notices/subscriptions/", portal.SubscriptionsView.as_view(), name="notice-subscriptions"),
    path("notices/<str:notice_id>/acknowledge/", portal.AcknowledgeView.as_view(), name="notice-acknowledge"),
]
