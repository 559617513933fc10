"""Public notice pages (the views are being built; see issue #6)."""

from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("lists/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("lists/confirm/<str:token>/", views.ConfirmSubscriptionView.as_view(), name="confirm"),
    path("<str:notice_id>/", views.NoticeDetailView.as_view(), name="detail"),
]
