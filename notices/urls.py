"""Public notice pages. Fixed routes come before the ``<notice_id>/`` catch-all."""

from django.urls import path

from . import feeds, views

app_name = "notices"

urlpatterns = [
    path("", views.ArchiveView.as_view(), name="archive"),
    path("action-required/", views.ArchiveView.as_view(action_required=True), name="action-required"),
    path("feed/", feeds.NoticeRssFeed(), name="feed"),
    path("feed/<slug:type_slug>/", feeds.NoticeRssFeed(), name="feed-type"),
    path("atom/", feeds.NoticeAtomFeed(), name="atom"),
    path("atom/<slug:type_slug>/", feeds.NoticeAtomFeed(), name="atom-type"),
    path("lists/", views.ListsView.as_view(), name="lists"),
    path("bounces/", views.BounceWebhookView.as_view(), name="bounces"),
    path("lists/preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
    path("lists/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("lists/confirm/<str:token>/", views.ConfirmSubscriptionView.as_view(), name="confirm"),
    path("<str:notice_id>/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("<str:notice_id>/", views.NoticeDetailView.as_view(), name="detail"),
]
