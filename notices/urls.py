"""Public notice pages. Fixed routes come before the ``<notice_id>/`` catch-all."""

from django.urls import path

from . import feeds
from .views import public

app_name = "notices"

urlpatterns = [
    path("", public.ArchiveView.as_view(), name="archive"),
    path("action-required/", public.ArchiveView.as_view(action_required=True), name="action-required"),
    path("feed/", feeds.NoticeRssFeed(), name="feed"),
    path("feed/<slug:type_slug>/", feeds.NoticeRssFeed(), name="feed-type"),
    path("atom/", feeds.NoticeAtomFeed(), name="atom"),
    path("atom/<slug:type_slug>/", feeds.NoticeAtomFeed(), name="atom-type"),
    path("lists/", public.ListsView.as_view(), name="lists"),
    path("bounces/", public.BounceWebhookView.as_view(), name="bounces"),
    path("lists/preferences/<str:token>/", public.PreferencesView.as_view(), name="preferences"),
    path("lists/unsubscribe/<str:token>/", public.UnsubscribeView.as_view(), name="unsubscribe"),
    path("lists/confirm/<str:token>/", public.ConfirmSubscriptionView.as_view(), name="confirm"),
    path("<str:notice_id>/attachments/<int:pk>/", public.AttachmentDownloadView.as_view(), name="attachment"),
    path("<str:notice_id>/", public.NoticeDetailView.as_view(), name="detail"),
]
