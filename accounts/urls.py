from django.urls import path

from .views import metrics, participants, plans_portal, plans_staff

portal_patterns = (
    [
        path("", participants.PortalHomeView.as_view(), name="home"),
        path("company/<int:pk>/", participants.PortalCompanyView.as_view(), name="company"),
        path("switch/<int:pk>/", participants.PortalSwitchView.as_view(), name="switch"),
        path("plan/", plans_portal.PlanView.as_view(), name="plan"),
        path("meetings/<int:pk>/", plans_portal.MeetingDetailView.as_view(), name="meeting-detail"),
        path("meetings/<int:pk>/invite.ics", plans_portal.MeetingIcsView.as_view(), name="meeting-ics"),
        path(
            "action-items/<int:pk>/complete/",
            plans_portal.ActionItemCompleteView.as_view(),
            name="action-item-complete",
        ),
        path("feedback/", plans_portal.FeedbackView.as_view(), name="feedback"),
    ],
    "portal",
)

workspace_patterns = (
    [
        path("", participants.WorkspaceHomeView.as_view(), name="home"),
        path("participants/", participants.ParticipantListView.as_view(), name="participants"),
        path("participants/<int:pk>/", participants.ParticipantDetailView.as_view(), name="participant-detail"),
        path(
            "participants/<int:pk>/reassign/",
            participants.ParticipantReassignView.as_view(),
            name="participant-reassign",
        ),
        path("account-managers/", participants.AccountManagerListView.as_view(), name="account-managers"),
        path("account-managers/<int:pk>/reassign-book/", participants.BookReassignView.as_view(), name="book-reassign"),
        path("metrics/", metrics.MetricsView.as_view(), name="metrics"),
        path("metrics/<slug:table>.csv", metrics.MetricsCsvView.as_view(), name="metrics-csv"),
        # Plan management (staff): the MP's account plan, action items, meetings, feedback, improvements.
        path("participants/<int:pk>/plan/", plans_staff.ParticipantPlanView.as_view(), name="participant-plan"),
        path("participants/<int:pk>/plan/edit/", plans_staff.PlanUpdateView.as_view(), name="plan-edit"),
        path(
            "participants/<int:pk>/plan/objectives/new/",
            plans_staff.ObjectiveCreateView.as_view(),
            name="objective-new",
        ),
        path("plan/objectives/<int:pk>/edit/", plans_staff.ObjectiveEditView.as_view(), name="objective-edit"),
        path("plan/objectives/<int:pk>/status/", plans_staff.ObjectiveStatusView.as_view(), name="objective-status"),
        path(
            "participants/<int:pk>/action-items/new/",
            plans_staff.ActionItemCreateView.as_view(),
            name="action-item-new",
        ),
        path("action-items/", plans_staff.ActionItemListView.as_view(), name="action-items"),
        path("action-items/<int:pk>/edit/", plans_staff.ActionItemEditView.as_view(), name="action-item-edit"),
        path(
            "action-items/<int:pk>/transition/",
            plans_staff.ActionItemTransitionView.as_view(),
            name="action-item-transition",
        ),
        path("meetings/", plans_staff.MeetingListView.as_view(), name="meetings"),
        path("participants/<int:pk>/meetings/new/", plans_staff.MeetingCreateView.as_view(), name="meeting-new"),
        path("meetings/<int:pk>/", plans_staff.MeetingDetailView.as_view(), name="meeting-detail"),
        path("meetings/<int:pk>/edit/", plans_staff.MeetingEditView.as_view(), name="meeting-edit"),
        path("meetings/<int:pk>/cancel/", plans_staff.MeetingCancelView.as_view(), name="meeting-cancel"),
        path("meetings/<int:pk>/minutes/", plans_staff.MeetingMinutesView.as_view(), name="meeting-minutes"),
        path(
            "meetings/<int:pk>/share-minutes/",
            plans_staff.MeetingShareMinutesView.as_view(),
            name="meeting-share-minutes",
        ),
        path("meetings/<int:pk>/invite.ics", plans_staff.MeetingIcsView.as_view(), name="meeting-ics"),
        path("feedback/", plans_staff.FeedbackListView.as_view(), name="feedback"),
        path("participants/<int:pk>/feedback/new/", plans_staff.FeedbackCreateView.as_view(), name="feedback-new"),
        path("feedback/<int:pk>/follow-up/", plans_staff.FeedbackFollowUpView.as_view(), name="feedback-follow-up"),
        path("improvements/", plans_staff.ImprovementListView.as_view(), name="improvements"),
        path(
            "participants/<int:pk>/improvements/new/",
            plans_staff.ImprovementCreateView.as_view(),
            name="improvement-new",
        ),
        path("improvements/<int:pk>/status/", plans_staff.ImprovementStatusView.as_view(), name="improvement-status"),
    ],
    "workspace",
)
