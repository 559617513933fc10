"""Portal pages of plan management: "Working with your Account Manager".

The MP's upcoming and past meetings (with minutes once the AM has shared them), the action items on the
MP's side, who the AM is, and the performance feedback the MP gives. Everything is looked up inside the MP
chosen in this session (``accounts.portal_session.current_participant``) through the portal selectors of
``plans.selectors``: a meeting or action item of another MP, or an operator-side item, is a 404.
Services in ``plans.services`` write; a ``DomainError`` becomes a message or a form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.portal_session import RegisteredParticipantMixin
from accounts.selectors import current_manager
from ercot_services.core.actions import add_domain_error, safe_next_url
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import ParticipantRequiredMixin

from ..forms.portal import RATING_LABELS, ActionItemCompleteForm, FeedbackForm
from ..models import ACTION_ITEM_OPEN_STATUSES, ActionItemStatus, FeedbackChannel, MeetingStatus, PerformanceFeedback
from ..selectors import portal_action_items, portal_meeting_get, portal_meetings
from ..services import action_item_transition, feedback_record
from ..services.calendar_invites import meeting_ics

PAST_MEETINGS_PAGE = 10
CLOSED_ITEMS_PAGE = 10
FEEDBACK_PAGE = 20
FEEDBACK_MEETING_CHOICES = 30
# How long a feedback form's one-time token is remembered (a resubmit after that is a new submission).
FEEDBACK_TOKEN_SECONDS = 24 * 60 * 60


def _item_rows(items, today):
    """Mark each item for the template: overdue or due today (open items only)."""
    for item in items:
        item.overdue = item.is_overdue(today)
        item.is_due_today = item.is_open and item.due_date == today
    return items


def _upcoming_meetings(user, participant, now):
    """Meetings that have not ended yet (cancelled ones too, so the MP sees the cancellation), unless already held.

    The plan page lists no attendees, so the selector's attendee prefetch is dropped (here and below).
    """
    return (
        portal_meetings(user=user, participant=participant)
        .filter(ends_at__gte=now)
        .exclude(status=MeetingStatus.HELD)
        .prefetch_related(None)
        .order_by("starts_at", "pk")
    )


def _past_meetings(user, participant, now):
    """Meetings that took place: ended, or already marked held; cancelled ones are left out."""
    return (
        portal_meetings(user=user, participant=participant)
        .filter(Q(ends_at__lt=now) | Q(status=MeetingStatus.HELD))
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related(None)
        .order_by("-starts_at", "-pk")
    )


# --- the plan page ---------------------------------------------------------------------------------------


class PlanView(ParticipantRequiredMixin, RegisteredParticipantMixin, TemplateView):
    template_name = "portal/plan/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, participant, params = self.request.user, self.participant, self.request.GET
        now = timezone.now()
        today = timezone.localdate()

        upcoming = list(_upcoming_meetings(user, participant, now))
        past_page = Paginator(_past_meetings(user, participant, now), PAST_MEETINGS_PAGE).get_page(
            params.get("past_page")
        )

        items = portal_action_items(user=user, participant=participant)
        open_items = _item_rows(
            list(items.filter(status__in=ACTION_ITEM_OPEN_STATUSES).order_by("due_date", "pk")), today
        )
        closed_page = Paginator(
            items.exclude(status__in=ACTION_ITEM_OPEN_STATUSES).order_by("-completed_at", "-updated_at", "-pk"),
            CLOSED_ITEMS_PAGE,
        ).get_page(params.get("done_page"))
        _item_rows(closed_page.object_list, today)

        context.update(
            participant=participant,
            account_manager=current_manager(participant),
            upcoming_meetings=upcoming,
            past_page=past_page,
            open_items=open_items,
            overdue_count=sum(1 for item in open_items if item.overdue),
            closed_page=closed_page,
            complete_form=ActionItemCompleteForm(),
            now=now,
            today=today,
        )
        return context


# --- one meeting -------------------------------------------------------------------------------------------


class MeetingDetailView(ParticipantRequiredMixin, RegisteredParticipantMixin, TemplateView):
    template_name = "portal/plan/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, participant = self.request.user, self.participant
        meeting = portal_meeting_get(user=user, participant=participant, pk=self.kwargs["pk"])
        today = timezone.localdate()
        now = timezone.now()
        context.update(
            participant=participant,
            meeting=meeting,
            attendees=list(meeting.attendees.all()),
            follow_ups=_item_rows(meeting.participant_follow_ups, today),
            account_manager=current_manager(participant),
            is_upcoming=meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at >= now,
            can_give_feedback=meeting.status == MeetingStatus.HELD,
            complete_form=ActionItemCompleteForm(),
            now=now,
            today=today,
        )
        return context


class MeetingIcsView(ParticipantRequiredMixin, RegisteredParticipantMixin, View):
    """The meeting as an iCalendar file, with the same UID and SEQUENCE as the emailed invitation,
    so adding it to a calendar that already holds the invitation updates it instead of duplicating it."""

    def get(self, request, pk):
        meeting = portal_meeting_get(user=request.user, participant=self.participant, pk=pk)
        method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
        response = HttpResponse(meeting_ics(meeting, method=method), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at)
        response["Content-Disposition"] = f'attachment; filename="meeting-{day:%Y%m%d}-{meeting.pk}.ics"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- completing an action item -----------------------------------------------------------------------------


class ActionItemCompleteView(ParticipantRequiredMixin, RegisteredParticipantMixin, View):
    """Mark one of the MP's action items done, with an optional note (the AM is emailed by the service).

    With htmx the updated row replaces the old one; without it, back to the plan page with a message.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        item = portal_action_items(user=request.user, participant=self.participant).filter(pk=pk).first()
        if item is None:
            raise Http404("No such action item.")
        form = ActionItemCompleteForm(request.POST)
        error = ""
        if not form.is_valid():
            error = " ".join(message for messages_ in form.errors.values() for message in messages_)
        elif item.status == ActionItemStatus.DONE:
            error = "This action item was already marked complete."
        else:
            try:
                item = action_item_transition(
                    actor=request.user, item=item, to=ActionItemStatus.DONE, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                error = str(exc)

        if request.htmx:
            item = portal_action_items(user=request.user, participant=self.participant).get(pk=item.pk)
            _item_rows([item], timezone.localdate())
            context = {
                "item": item,
                "complete_form": form if error else ActionItemCompleteForm(),
                "row_error": error,
                "row_done": not error,
                "participant": self.participant,
                "next_url": safe_next_url(request, reverse("portal:plan"), under="/portal/"),
            }
            return render(request, "portal/plan/_action_item.html", context)
        if error:
            messages.error(request, f"“{item.title}” could not be marked complete: {error}")
        else:
            messages.success(request, f"“{item.title}” is marked complete. Your Account Manager has been told.")
        return redirect(safe_next_url(request, reverse("portal:plan") + "#action-items", under="/portal/"))


# --- performance feedback --------------------------------------------------------------------------------------


def _held_meetings(user, participant):
    return (
        portal_meetings(user=user, participant=participant)
        .filter(status=MeetingStatus.HELD)
        .prefetch_related(None)
        .order_by("-starts_at", "-pk")
    )


def _feedback_given(participant):
    """The MP's feedback (in the portal or to the AM), newest first, with the follow-up the operator recorded."""
    return (
        PerformanceFeedback.objects.filter(participant=participant)
        .select_related("submitted_by", "meeting", "followed_up_by")
        .order_by("-created_at", "-pk")
    )


class FeedbackView(ParticipantRequiredMixin, RegisteredParticipantMixin, View):
    """ "How are we doing?": give feedback (POST, then redirect) and see what was given and what came of it."""

    template_name = "portal/plan/feedback.html"

    def _meeting_choices(self, request):
        """The most recent held meetings (one query when the form renders or validates)."""
        held = _held_meetings(request.user, self.participant)
        return held.filter(pk__in=Subquery(held.values("pk")[:FEEDBACK_MEETING_CHOICES]))

    def _render(self, request, form, status=200):
        page = Paginator(_feedback_given(self.participant), FEEDBACK_PAGE).get_page(request.GET.get("page"))
        context = {
            "participant": self.participant,
            "form": form,
            "page_obj": page,
            "rating_labels": RATING_LABELS,
            "account_manager": current_manager(self.participant),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        initial = {}
        meeting_id = request.GET.get("meeting", "")
        meetings = self._meeting_choices(request)
        if meeting_id.isdigit():
            initial["meeting"] = meetings.filter(pk=int(meeting_id)).first()
        return self._render(request, FeedbackForm(initial=initial, meetings=meetings))

    def post(self, request):
        form = FeedbackForm(request.POST, meetings=self._meeting_choices(request))
        if form.is_valid():
            data = form.cleaned_data
            # One submission per rendering of the form: cache.add is atomic, so of two racing posts one wins.
            if not cache.add(f"portal-feedback:{request.user.pk}:{data['token']}", 1, FEEDBACK_TOKEN_SECONDS):
                messages.info(request, "We already have this feedback; thank you.")
                return redirect("portal:feedback")
            try:
                feedback_record(
                    actor=request.user,
                    participant=self.participant,
                    channel=FeedbackChannel.PORTAL,
                    rating=data["rating"],
                    comments=data["comments"],
                    submitted_by=request.user,
                    meeting=data["meeting"],
                )
            except DomainError as error:
                cache.delete(f"portal-feedback:{request.user.pk}:{data['token']}")
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    "Thank you for your feedback. Your Account Manager receives it and follows up where needed.",
                )
                return redirect(reverse("portal:feedback") + "#feedback-given")
        return self._render(request, form, status=400)
