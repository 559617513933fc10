"""The MP's performance feedback about the operator: record it, follow it up, the list."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views import View

from accounts.models import AccountManager, AccountManagerAssignment
from accounts.selectors import current_manager
from accounts.selectors.participants import book_participant_ids
from cases.selectors.cases import has_book
from ercot_services.core.actions import safe_next_url
from ercot_services.core.permissions import StaffRequiredMixin

from ... import services
from ...forms.staff import (
    FeedbackFollowUpForm,
    FeedbackForm,
)
from ...models import (
    PerformanceFeedback,
)
from .common import (
    StaffActionView,
    _choice_param,
    _int_param,
    _paginate,
    _participant,
    _plan_url,
    render_list,
)

FOLLOW_UP_CHOICES = [("all", "Any follow-up state")] + list(PerformanceFeedback.FollowUp.choices)


def _current_assignments() -> Prefetch:
    return Prefetch(
        "participant__am_assignments",
        queryset=AccountManagerAssignment.objects.with_active_manager().select_related("account_manager__user"),
        to_attr="current_assignments",
    )


class FeedbackListView(StaffRequiredMixin, View):
    template_name = "workspace/plans/feedback.html"

    def get(self, request):
        follow_up = _choice_param(request, "follow_up", FOLLOW_UP_CHOICES, "all")
        participant_id = _int_param(request, "participant")
        manager_id = _int_param(request, "manager")
        if not request.GET and has_book(request.user):
            manager_id = request.user.pk  # an AM starts with their own book; "Any Account Manager" shows all
        feedback = PerformanceFeedback.objects.select_related(
            "participant", "submitted_by", "recorded_by", "meeting", "followed_up_by"
        ).prefetch_related(_current_assignments())
        if participant_id:
            feedback = feedback.filter(participant_id=participant_id)
        if follow_up != "all":
            feedback = feedback.filter(follow_up_status=follow_up)
        if manager_id:
            feedback = feedback.filter(participant_id__in=book_participant_ids(manager_id))
        feedback = feedback.order_by("-created_at", "-pk")
        page = _paginate(request, feedback)
        for row in page.object_list:
            row.manager = current_manager(row.participant)
        managers = list(AccountManager.objects.select_related("user").order_by("user__full_name"))
        return render_list(
            request,
            self.template_name,
            page,
            follow_up=follow_up,
            participant_id=participant_id,
            manager_id=manager_id,
            follow_up_options=FOLLOW_UP_CHOICES,
            manager_options=[(m.user_id, m.user.full_name or m.user.email) for m in managers],
        )


class FeedbackCreateView(StaffActionView):
    permission_required = "plans.add_performancefeedback"
    template_name = "workspace/plans/feedback_form.html"
    form_class = FeedbackForm

    def get_object(self):
        return _participant(self.kwargs["pk"])

    def get_form_kwargs(self):
        participant = self.object
        return {"participant": participant}

    def get_initial(self):
        meeting_id = _int_param(self.request, "meeting")
        return {"meeting": meeting_id, "channel": "meeting"} if meeting_id else {}

    def get_context(self, form):
        participant = self.object
        return {"participant": participant}

    def perform(self, form):
        participant, data = self.object, form.cleaned_data
        feedback = services.feedback_record(
            actor=self.request.user,
            participant=participant,
            channel=data["channel"],
            rating=data["rating"],
            comments=data["comments"],
            submitted_by=data["submitted_by"],
            meeting=data["meeting"],
        )
        message = f"Recorded {feedback.rating}/5 feedback from {participant.short_name}."
        if feedback.follow_up_status == PerformanceFeedback.FollowUp.OPEN:
            message += " It needs a follow-up: record what was done once it is handled."
        self.success_message, self.success_url = message, _plan_url(participant.pk, "feedback")


class FeedbackFollowUpView(StaffActionView):
    permission_required = "plans.change_performancefeedback"
    template_name = "workspace/plans/feedback_follow_up.html"
    form_class = FeedbackFollowUpForm

    def get_object(self):
        pk = self.kwargs["pk"]
        return get_object_or_404(
            PerformanceFeedback.objects.select_related(
                "participant", "submitted_by", "recorded_by", "meeting", "followed_up_by"
            ),
            pk=pk,
        )

    def get_initial(self):
        feedback = self.object
        initial = {"follow_up": feedback.follow_up}
        if feedback.follow_up_status == PerformanceFeedback.FollowUp.NOT_NEEDED:
            initial["status"] = PerformanceFeedback.FollowUp.NOT_NEEDED
        return initial

    def get_context(self, form):
        feedback = self.object
        return {"feedback": feedback, "participant": feedback.participant, "next": safe_next_url(self.request, "")}

    def perform(self, form):
        feedback, data = self.object, form.cleaned_data
        services.feedback_follow_up(
            actor=self.request.user, feedback=feedback, follow_up=data["follow_up"], status=data["status"]
        )
        label = PerformanceFeedback.FollowUp(data["status"]).label.lower()
        message = (
            f"Follow-up saved for the {feedback.rating}/5 feedback of {feedback.participant.short_name} ({label})."
        )
        self.success_message, self.success_url = (
            message,
            safe_next_url(self.request, _plan_url(feedback.participant_id, f"feedback-{feedback.pk}")),
        )
