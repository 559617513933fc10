"""The MP's people, for its User Security Administrator (USA): the list with pending invitations, inviting, a
person's page (roles, suspend, reinstate, remove, their audit events), the MP's second-factor rule and the
quarterly access review; and the invitee's page is ``views.public.InvitationAcceptView``.

Every page works for the MP chosen in the session (``CurrentParticipantMixin``) and only for its active USA (403
otherwise); a person of another MP is a 404. The services check the same rule again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from ercot_services.core.actions import ActionView
from ercot_services.core.permissions import ParticipantRequiredMixin

from ... import services
from ...forms.portal import (
    NothingForm,
    PersonAccessForm,
    PersonInviteForm,
    PersonRolesForm,
    ReviewConfirmForm,
    SecondFactorForm,
)
from ...models import USA_GRANTABLE_ROLES, PortalAccessStatus
from ...portal_session import CurrentParticipantMixin
from ...selectors import access as access_selectors

PEOPLE_PAGE = 25


class _SecurityAdministratorOnly:
    def dispatch(self, request, *args, **kwargs):
        # ``manages_people`` comes with the MP (portal_session.current_participant): no query of its own.
        if not getattr(self.participant, "manages_people", False):
            raise PermissionDenied("Only your company's User Security Administrator manages its people.")
        return super().dispatch(request, *args, **kwargs)


class SecurityAdministratorRequiredMixin(ParticipantRequiredMixin, CurrentParticipantMixin, _SecurityAdministratorOnly):
    """Portal pages of the MP's USA: staff and anonymous users as every portal page; any other portal user 403."""


def _list_page(request, participant, *, status: int = 200, second_factor_form=None):
    page = Paginator(access_selectors.people_for_participant(participant), PEOPLE_PAGE).get_page(
        request.GET.get("page")
    )
    people = access_selectors.with_second_factor(list(page.object_list))
    context = {
        "participant": participant,
        "people": people,
        "page_obj": page,
        "invitations": list(access_selectors.pending_invitations(participant)),
        "review": access_selectors.open_review(participant),
        "second_factor_form": second_factor_form
        or SecondFactorForm(initial={"required": participant.requires_second_factor}),
    }
    return render(request, "portal/people/list.html", context, status=status)


def _person_page(request, participant, access, *, status: int = 200, **forms):
    roles = [m.contact_role for m in access.user.roles_here]
    context = {
        "participant": participant,
        "access": access,
        "person": access.user,
        "roles": access.user.roles_here,
        "events": access_selectors.person_events(access),
        "roles_form": forms.get("roles_form")
        or PersonRolesForm(initial={"roles": [r for r in roles if r in USA_GRANTABLE_ROLES]}),
        "access_form": forms.get("access_form") or PersonAccessForm(),
        "statuses": PortalAccessStatus,
        "is_self": access.user_id == request.user.pk,
    }
    return render(request, "portal/people/person.html", context, status=status)


class PeopleView(SecurityAdministratorRequiredMixin, View):
    """The MP's people: roles, status, last sign-in, second factor; pending invitations; the second-factor rule."""

    def get(self, request):
        return _list_page(request, self.participant)


class PersonInviteView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = PersonInviteForm
    template_name = "portal/people/invite.html"

    def get_context(self, form):
        return {"participant": self.participant}

    def perform(self, form):
        invitation, _token = services.invitation_send(
            actor=self.request.user, participant=self.participant, **form.cleaned_data
        )
        return invitation

    def get_success_message(self, form):
        return f"We emailed an invitation to {self.result.email}; it is valid for 7 days."

    def get_success_url(self):
        return reverse("portal:people")


class InvitationRevokeView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = NothingForm
    http_method_names = ["post", "options"]

    def get_object(self):
        return access_selectors.invitation_get(self.participant, self.kwargs["pk"])

    def perform(self, form):
        return services.invitation_revoke(actor=self.request.user, invitation=self.object)

    def render_form(self, form, status=200):
        messages.error(self.request, " ".join(form.non_field_errors()))
        return redirect("portal:people")

    def get_success_message(self, form):
        return f"The invitation of {self.object.email} is withdrawn."

    def get_success_url(self):
        return reverse("portal:people")


class PersonView(SecurityAdministratorRequiredMixin, View):
    def get(self, request, user_id):
        access = access_selectors.person_get(self.participant, user_id)
        return _person_page(request, self.participant, access)


class _PersonActionView(SecurityAdministratorRequiredMixin, ActionView):
    """One action of the person page (POST); a refusal shows the page again with the form's error (400)."""

    http_method_names = ["post", "options"]
    form_key = "access_form"
    form_class = PersonAccessForm
    service = None
    done = ""

    def get_object(self):
        return access_selectors.person_get(self.participant, self.kwargs["user_id"])

    def render_form(self, form, status=200):
        return _person_page(self.request, self.participant, self.object, status=status, **{self.form_key: form})

    def perform(self, form):
        return type(self).service(
            actor=self.request.user, participant=self.participant, user=self.object.user, **form.cleaned_data
        )

    def get_success_message(self, form):
        return f"{self.object.user}: {self.done}."

    def get_success_url(self):
        return reverse("portal:person", args=[self.object.user_id])


class PersonRolesView(_PersonActionView):
    form_class = PersonRolesForm
    form_key = "roles_form"
    service = staticmethod(services.person_roles_change)
    done = "roles saved"


class PersonSuspendView(_PersonActionView):
    service = staticmethod(services.person_suspend)
    done = "access suspended"


class PersonReinstateView(_PersonActionView):
    service = staticmethod(services.person_reinstate)
    done = "access reinstated"


class PersonRemoveView(_PersonActionView):
    service = staticmethod(services.person_remove)
    done = "access removed"

    def get_success_url(self):
        return reverse("portal:people")


class SecondFactorView(SecurityAdministratorRequiredMixin, ActionView):
    form_class = SecondFactorForm
    http_method_names = ["post", "options"]

    def render_form(self, form, status=200):
        return _list_page(self.request, self.participant, status=status, second_factor_form=form)

    def perform(self, form):
        return services.participant_second_factor_set(
            actor=self.request.user, participant=self.participant, required=form.cleaned_data["required"]
        )

    def get_success_message(self, form):
        if self.result.requires_second_factor:
            return "Every portal user of your company must now sign in with a second factor."
        return "A second factor is no longer required of your company's portal users."

    def get_success_url(self):
        return reverse("portal:people")


class AccessReviewView(SecurityAdministratorRequiredMixin, ActionView):
    """The open access review: confirm each person (or everyone at once) who still needs access."""

    form_class = ReviewConfirmForm
    template_name = "portal/people/review.html"

    def get_object(self):
        self.entries = []
        review = access_selectors.open_review(self.participant)
        if review is not None:
            self.entries = access_selectors.review_entries(review)
        return review

    def get_form_kwargs(self):
        return {"entries": self.entries}

    def get_context(self, form):
        return {"participant": self.participant, "review": self.object, "entries": self.entries}

    def post(self, request, *args, **kwargs):
        self._load_object()
        if self.object is None:
            messages.info(request, "There is no open access review.")
            return redirect("portal:people")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.access_review_confirm(
            actor=self.request.user, review=self.object, user_ids=form.cleaned_data["users"]
        )

    def get_success_message(self, form):
        return f"Confirmed: {self.result} person(s)."

    def get_success_url(self):
        return reverse("portal:access-review")
