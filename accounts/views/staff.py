"""Workspace (staff) pages for MPs and Account Managers: the participant list, AM reassignment and book moves."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError
from ercot_services.core.permissions import StaffRequiredMixin

from .. import selectors, services
from ..autocomplete import UnknownScope, participant_scope, participant_search
from ..filters import ParticipantFilter
from ..forms.staff import BookReassignForm, ReassignForm
from ..models import AccountManager, MarketParticipant

PAGE_SIZE = 25


class ParticipantListView(StaffRequiredMixin, TemplateView):
    template_name = "workspace/participant_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ParticipantFilter(self.request.GET, queryset=selectors.participant_list(user=self.request.user))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, querystring=query.urlencode())
        return context


class ParticipantReassignView(StaffRequiredMixin, View):
    permission_required = "accounts.reassign_account_manager"
    template_name = "workspace/participant_reassign.html"

    def _render(self, request, participant, form, status=200):
        return render(
            request,
            self.template_name,
            {"participant": participant, "form": form, "account_manager": selectors.current_manager(participant)},
            status=status,
        )

    def get(self, request, pk):
        participant = get_object_or_404(MarketParticipant, pk=pk)
        return self._render(request, participant, ReassignForm())

    def post(self, request, pk):
        participant = get_object_or_404(MarketParticipant, pk=pk)
        form = ReassignForm(request.POST)
        if form.is_valid():
            try:
                services.account_manager_assign(
                    actor=request.user,
                    participant=participant,
                    account_manager=form.cleaned_data["account_manager"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, f"{form.cleaned_data['account_manager']} is now the Account Manager of {participant}."
                )
                return redirect(participant.get_absolute_url())
        return self._render(request, participant, form, status=400)


class AccountManagerListView(StaffRequiredMixin, TemplateView):
    template_name = "workspace/account_manager_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["managers"] = selectors.account_managers_with_book_size().order_by("-is_active", "user__full_name")
        context["can_reassign"] = self.request.user.has_perm("accounts.reassign_account_manager")
        return context


class BookReassignView(StaffRequiredMixin, View):
    """Move a whole book of MPs from one AM to another, for example when an AM leaves."""

    permission_required = "accounts.reassign_account_manager"
    template_name = "workspace/book_reassign.html"

    def _context(self, manager, form):
        book = selectors.with_current_manager(
            MarketParticipant.objects.filter(
                am_assignments__ended_at__isnull=True, am_assignments__account_manager=manager
            )
        ).order_by("short_name")
        return {"manager": manager, "form": form, "book": book}

    def get(self, request, pk):
        manager = get_object_or_404(AccountManager.objects.select_related("user"), pk=pk)
        return render(request, self.template_name, self._context(manager, BookReassignForm(from_manager=manager)))

    def post(self, request, pk):
        manager = get_object_or_404(AccountManager.objects.select_related("user"), pk=pk)
        form = BookReassignForm(request.POST, from_manager=manager)
        if form.is_valid():
            try:
                moved = services.account_manager_reassign_book(
                    actor=request.user,
                    from_manager=manager,
                    to_manager=form.cleaned_data["to_manager"],
                    reason=form.cleaned_data["reason"],
                    deactivate_from=form.cleaned_data["deactivate_from"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"Moved {moved} MP(s) from {manager} to {form.cleaned_data['to_manager']}.")
                return redirect("workspace:account-managers")
        return render(request, self.template_name, self._context(manager, form), status=400)


class ParticipantAutocompleteView(StaffRequiredMixin, View):
    """``?scope=<name>&q=<term>``: the first MPs of a picker's scope matching the term, as JSON (see
    ``accounts.autocomplete``). Staff only (participants get 403); an unknown scope is a 404."""

    def get(self, request):
        try:
            scope = participant_scope(request.GET.get("scope", "all"))
        except UnknownScope as unknown:
            raise Http404("No such list of Market Participants.") from unknown
        visible = scope.filter(pk__in=selectors.participants_for_user(request.user).values("pk"))
        results = participant_search(visible, request.GET.get("q", "")[:100])
        return JsonResponse({"results": results})
