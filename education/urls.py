"""Education pages in the three areas: public (/education/), the portal and the workspace.

Each part of the app (courses, knowledge base, market rules) adds its patterns to these lists.
"""

public_patterns: list = []
portal_patterns: list = []
workspace_patterns: list = []

# --- courses, sessions and enrolment (h7) ---
from django.urls import path  # noqa: E402

from .views import portal as courses_portal  # noqa: E402
from .views import public as courses_public  # noqa: E402
from .views import staff as courses_staff  # noqa: E402

public_patterns += [
    path("", courses_public.CatalogueView.as_view(), name="catalogue"),
    path("courses/<slug:slug>/", courses_public.CourseDetailView.as_view(), name="course"),
    path("courses/<slug:slug>/materials/<int:pk>/", courses_public.MaterialDownloadView.as_view(), name="material"),
]
portal_patterns += [
    path("education/", courses_portal.EducationHomeView.as_view(), name="education"),
    path("education/sessions/<int:pk>/enrol/", courses_portal.EnrolView.as_view(), name="education-enrol"),
    path(
        "education/enrolments/<int:pk>/cancel/",
        courses_portal.CancelEnrolmentView.as_view(),
        name="education-enrolment-cancel",
    ),
    path(
        "education/enrolments/<int:pk>/invite.ics",
        courses_portal.InvitationView.as_view(),
        name="education-enrolment-ics",
    ),
    path(
        "education/enrolments/<int:pk>/certificate.pdf",
        courses_portal.CertificateView.as_view(),
        name="education-certificate",
    ),
]
workspace_patterns += [
    path("education/sessions/", courses_staff.SessionListView.as_view(), name="course-sessions"),
    path("education/sessions/new/", courses_staff.SessionNewView.as_view(), name="course-session-new"),
    path("education/sessions/<int:pk>/", courses_staff.SessionDetailView.as_view(), name="course-session"),
    path("education/sessions/<int:pk>/edit/", courses_staff.SessionEditView.as_view(), name="course-session-edit"),
    path(
        "education/sessions/<int:pk>/cancel/",
        courses_staff.SessionCancelView.as_view(),
        name="course-session-cancel",
    ),
    path(
        "education/sessions/<int:pk>/attendance/",
        courses_staff.AttendanceView.as_view(),
        name="course-session-attendance",
    ),
    path("education/sessions/<int:pk>/enrol/", courses_staff.StaffEnrolView.as_view(), name="course-session-enrol"),
    path(
        "education/enrolments/<int:pk>/cancel/",
        courses_staff.StaffCancelEnrolmentView.as_view(),
        name="course-enrolment-cancel",
    ),
    path(
        "participants/<int:pk>/recommend-course/",
        courses_staff.RecommendView.as_view(),
        name="participant-recommend-course",
    ),
]
