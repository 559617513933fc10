"""Notice pages mounted inside the portal namespace (``/portal/notices/...``) by ercot_services/urls.py."""

from django.urls import path

from . import views_portal

portal_patterns = [
    path("notices/", views_portal.InboxView.as_view(), name="notices"),
    path("notices/subscriptions/", views_portal.SubscriptionsView.as_view(), name="notice-subscriptions"),
    path("notices/<str:notice_id>/acknowledge/", views_portal.AcknowledgeView.as_view(), name="notice-acknowledge"),
]
