"""Plan management pages (account plans, action items, meetings, feedback, improvements, the issue pattern page),
mounted inside the portal and workspace namespaces by ercot_services/urls.py."""

from django.urls import path

from .views import portal, staff

portal_patterns = [
    path("plan/", portal.PlanView.as_view(), name="plan"),
    path("meetings/<int:pk>/", portal.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/invite.ics", portal.MeetingIcsView.as_view(), name="meeting-ics"),
    path(
        "action-items/<int:pk>/complete/",
        portal.ActionItemCompleteView.as_view(),
        name="action-item-complete",
    ),
    path("feedback/", portal.FeedbackView.as_view(), name="feedback"),
]

workspace_patterns = [
    path("participants/<int:pk>/plan/", staff.ParticipantPlanView.as_view(), name="participant-plan"),
    path("participants/<int:pk>/plan/edit/", staff.PlanUpdateView.as_view(), name="plan-edit"),
    path(
        "participants/<int:pk>/plan/objectives/new/",
        staff.ObjectiveCreateView.as_view(),
        name="objective-new",
    ),
    path("plan/objectives/<int:pk>/edit/", staff.ObjectiveEditView.as_view(), name="objective-edit"),
    path("plan/objectives/<int:pk>/status/", staff.ObjectiveStatusView.as_view(), name="objective-status"),
    path(
        "participants/<int:pk>/action-items/new/",
        staff.ActionItemCreateView.as_view(),
        name="action-item-new",
    ),
    path("action-items/", staff.ActionItemListView.as_view(), name="action-items"),
    path("action-items/<int:pk>/edit/", staff.ActionItemEditView.as_view(), name="action-item-edit"),
    path(
        "action-items/<int:pk>/transition/",
        staff.ActionItemTransitionView.as_view(),
        name="action-item-transition",
    ),
    path("meetings/", staff.MeetingListView.as_view(), name="meetings"),
    path("participants/<int:pk>/meetings/new/", staff.MeetingCreateView.as_view(), name="meeting-new"),
    path("meetings/<int:pk>/", staff.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", staff.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", staff.MeetingCancelView.as_view(), name="meeting-cancel"),
    path("meetings/<int:pk>/minutes/", staff.MeetingMinutesView.as_view(), name="meeting-minutes"),
    path(
        "meetings/<int:pk>/share-minutes/",
        staff.MeetingShareMinutesView.as_view(),
        name="meeting-share-minutes",
    ),
    path("meetings/<int:pk>/invite.ics", staff.MeetingIcsView.as_view(), name="meeting-ics"),
    path("feedback/", staff.FeedbackListView.as_view(), name="feedback"),
    path("participants/<int:pk>/feedback/new/", staff.FeedbackCreateView.as_view(), name="feedback-new"),
    path("feedback/<int:pk>/follow-up/", staff.FeedbackFollowUpView.as_view(), name="feedback-follow-up"),
    path("improvements/", staff.ImprovementListView.as_view(), name="improvements"),
    path(
        "participants/<int:pk>/improvements/new/",
        staff.ImprovementCreateView.as_view(),
        name="improvement-new",
    ),
    path("improvements/<int:pk>/status/", staff.ImprovementStatusView.as_view(), name="improvement-status"),
    path("patterns/<int:pk>/", staff.PatternDetailView.as_view(), name="pattern-detail"),
    path("patterns/<int:pk>/dismiss/", staff.PatternDismissView.as_view(), name="pattern-dismiss"),
]
