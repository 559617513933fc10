from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms.public import QueuedPasswordResetForm
from .views import portal, public, staff
from .views.portal import people

# Sign-in is django-allauth's (its second-factor stage and reauthentication come with it; templates in
# templates/account/ and templates/mfa/), under the names the codebase and allauth both use. Sign-out (POST only),
# password change and reset stay Django's views, with the names django.contrib.auth.urls gives them, rendering the
# templates in templates/auth/ (their emails go through the outbox: QueuedPasswordResetForm).
auth_patterns = [
    path("security/activity/", public.SecurityActivityView.as_view(), name="security-activity"),
    path("sessions/", public.SignedInBrowsersView.as_view(), name="signed-in-browsers"),
    path("login/", allauth_views.login, name="login"),
    path("login/", allauth_views.login, name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(template_name="auth/logged_out.html"), name="logout"),
    path("logout/", auth_views.LogoutView.as_view(template_name="auth/logged_out.html"), name="account_logout"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", public.SecurityView.as_view(), name="mfa_index"),
    # Ahead of allauth's own view at the same address: removal refused for a last factor that must stay.
    path("2fa/webauthn/keys/<int:pk>/remove/", public.RemovePasskeyView.as_view(), name="mfa_remove_webauthn"),
    path("2fa/", include("allauth.mfa.urls")),
    path("password_change/", public.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="auth/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="auth/password_reset_form.html",
            email_template_name="auth/password_reset_email.html",
            subject_template_name="auth/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", public.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    # The link in a portal invitation (accounts.services.access): public, the token is the only key.
    path("invitation/<str:token>/", public.InvitationAcceptView.as_view(), name="invitation-accept"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

portal_patterns = (
    [
        path("", portal.PortalHomeView.as_view(), name="home"),
        path("company/<int:pk>/", portal.PortalCompanyView.as_view(), name="company"),
        path("switch/<int:pk>/", portal.PortalSwitchView.as_view(), name="switch"),
        # The MP's people, for its User Security Administrator.
        path("people/", people.PeopleView.as_view(), name="people"),
        path("people/invite/", people.PersonInviteView.as_view(), name="people-invite"),
        path(
            "people/invitations/<int:pk>/revoke/",
            people.InvitationRevokeView.as_view(),
            name="people-invitation-revoke",
        ),
        path("people/second-factor/", people.SecondFactorView.as_view(), name="people-second-factor"),
        path("people/review/", people.AccessReviewView.as_view(), name="access-review"),
        path("people/<int:user_id>/", people.PersonView.as_view(), name="person"),
        path("people/<int:user_id>/roles/", people.PersonRolesView.as_view(), name="person-roles"),
        path("people/<int:user_id>/suspend/", people.PersonSuspendView.as_view(), name="person-suspend"),
        path("people/<int:user_id>/reinstate/", people.PersonReinstateView.as_view(), name="person-reinstate"),
        path("people/<int:user_id>/remove/", people.PersonRemoveView.as_view(), name="person-remove"),
    ],
    "portal",
)

workspace_patterns = (
    [
        path("participants/", staff.ParticipantListView.as_view(), name="participants"),
        path(
            "participants/autocomplete/",
            staff.ParticipantAutocompleteView.as_view(),
            name="participant-autocomplete",
        ),
        path(
            "participants/<int:pk>/reassign/",
            staff.ParticipantReassignView.as_view(),
            name="participant-reassign",
        ),
        path("account-managers/", staff.AccountManagerListView.as_view(), name="account-managers"),
        path("account-managers/<int:pk>/reassign-book/", staff.BookReassignView.as_view(), name="book-reassign"),
    ],
    "workspace",
)
