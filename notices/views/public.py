"""Public notice pages: the archive (filters, search, "requiring action"), the notice page with its thread,
the lists with double opt-in subscription, the signed preferences page, and the RFC 8058 one-click
unsubscribe. None of them needs signing in.
"""

from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ercot_services.core.actions import add_domain_error
from ercot_services.core.models import DomainError
from ercot_services.core.ratelimit import client_ip, rate_limited

from .. import selectors
from ..forms.public import ArchiveFilterForm, PreferencesForm, SubscribeForm
from ..models import NoticeDelivery, Suppression
from ..rendering import render_markdown
from ..services.preferences import notice_preferences_update
from ..services.subscriptions import (
    CONFIRMATION_RESEND_INTERVAL,
    subscription_confirm,
    subscription_request,
    suppression_add,
    unsubscribe_by_token,
)

PAGE_SIZE = 25
SUBSCRIBE_WINDOW_SECONDS = 60 * 60
SUBSCRIBE_LIMIT_PER_CLIENT = 10
SUBSCRIBE_LIMIT_PER_ADDRESS = 3


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """GET names the lists and shows a confirmation button; POST (the RFC 8058 one-click) unsubscribes at once,
    without a redirect, from every list through which the notice's thread reaches the address."""

    template_name = "notices/unsubscribe.html"

    def get(self, request, token):
        delivery = NoticeDelivery.objects.select_related("notice").filter(token=token).first()
        if delivery is None:
            return render(request, self.template_name, {"error": "This unsubscribe link is not valid."}, status=404)
        return render(
            request,
            self.template_name,
            {"done": False, "email": delivery.email, "lists": selectors.lists_left_by_unsubscribe(delivery)},
        )

    def post(self, request, token):
        try:
            result = unsubscribe_by_token(token=token)
        except DomainError as error:
            return render(request, self.template_name, {"error": str(error)}, status=404)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            names = ", ".join(dl.name for dl in result.lists)
            return HttpResponse(f"Unsubscribed from {names}." if names else "Unsubscribed.", content_type="text/plain")
        email = result.delivery.email
        return render(
            request,
            self.template_name,
            {
                "done": True,
                "email": email,
                "lists": result.lists,
                "preferences_url": selectors.preferences_url(email, absolute=False),
            },
        )


class ConfirmSubscriptionView(View):
    def get(self, request, token):
        try:
            subscription = subscription_confirm(token=token)
        except DomainError as error:
            return render(request, "notices/confirm.html", {"error": str(error)}, status=400)
        return render(
            request,
            "notices/confirm.html",
            {
                "subscription": subscription,
                "preferences_url": selectors.preferences_url(subscription.email, absolute=False),
            },
        )


class NoticeDetailView(View):
    def get(self, request, notice_id):
        notice = selectors.notice_for_detail(notice_id)
        if notice is None:
            raise Http404("No published notice has this ID.")
        thread = selectors.thread_for(notice)
        return render(
            request,
            "notices/detail.html",
            {
                "notice": notice,
                "long_description_html": render_markdown(notice.long_description),
                "action_required_html": render_markdown(notice.action_required) if notice.action_required else "",
                "additional_information_html": render_markdown(notice.additional_information)
                if notice.additional_information
                else "",
                "thread": thread,
            },
        )


class ArchiveView(View):
    """``/notices/`` and ``/notices/action-required/``: 25 a page, newest first (by relevance when searching)."""

    action_required = False

    def get(self, request):
        form = ArchiveFilterForm(request.GET or None)
        if form.is_bound:
            form.is_valid()
        filters = form.filters(action_required=self.action_required)
        page = Paginator(selectors.archive_notices(filters), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        filtered = any(
            [
                filters.notice_type,
                filters.scope,
                filters.date_from,
                filters.date_to,
                filters.distribution_list,
                filters.q,
            ]
        )
        return render(
            request,
            "notices/archive.html",
            {
                "form": form,
                "page_obj": page,
                "filters": filters,
                "filtered": filtered,
                "action_view": filters.action_required,
                "querystring": query.urlencode(),
            },
        )


class ListsView(View):
    """The NOTICE_* lists with what they carry, and the subscribe form (double opt-in).

    Valid requests are rate limited per client IP and per address, and the answer is the same whether the address
    was unknown, pending or already subscribed (no one learns who is subscribed).
    """

    def _render(self, request, form, status=200, requested=None, limited=False):
        return render(
            request,
            "notices/lists.html",
            {
                "lists": selectors.public_lists(),
                "form": form,
                "requested": requested,
                "rate_limited": limited,
                "resend_minutes": int(CONFIRMATION_RESEND_INTERVAL.total_seconds() // 60),
            },
            status=status,
        )

    def get(self, request):
        initial = {}
        if request.GET.get("list"):
            initial["distribution_list"] = request.GET["list"]
        return self._render(request, SubscribeForm(initial=initial))

    def post(self, request):
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        email, distribution_list = form.cleaned_data["email"].strip().lower(), form.cleaned_data["distribution_list"]
        if rate_limited(
            f"subscribe:ip:{client_ip(request)}",
            limit=SUBSCRIBE_LIMIT_PER_CLIENT,
            window_seconds=SUBSCRIBE_WINDOW_SECONDS,
        ) or rate_limited(
            f"subscribe:email:{email}", limit=SUBSCRIBE_LIMIT_PER_ADDRESS, window_seconds=SUBSCRIBE_WINDOW_SECONDS
        ):
            return self._render(request, form, status=429, limited=True)
        try:
            subscription_request(email=email, distribution_list=distribution_list)
        except DomainError as error:
            add_domain_error(form, error)
            return self._render(request, form, status=400)
        return self._render(request, SubscribeForm(), requested={"email": email, "list": distribution_list})


class PreferencesView(View):
    """Reachable from every notice email without signing in: the signed token names the address."""

    def _email(self, token):
        try:
            return selectors.preferences_email(token)
        except signing.BadSignature:
            return None

    def _render(self, request, email, form, status=200, changes=None):
        return render(
            request,
            "notices/preferences.html",
            {
                "email": email,
                "form": form,
                "changes": changes,
                "suppression": Suppression.objects.filter(email__iexact=email).first(),
                "pending": [s for s in form.initial_subscriptions if s.confirmed_at is None and s.status == "pending"],
            },
            status=status,
        )

    def _form(self, email, data=None):
        subscriptions = selectors.subscriptions_for_email(email)
        form = PreferencesForm(data, subscriptions=subscriptions, role_lists=selectors.role_lists_for_email(email))
        form.initial_subscriptions = subscriptions
        return form

    def get(self, request, token):
        email = self._email(token)
        if email is None:
            return render(request, "notices/preferences.html", {"invalid": True}, status=400)
        return self._render(request, email, self._form(email))

    def post(self, request, token):
        email = self._email(token)
        if email is None:
            return render(request, "notices/preferences.html", {"invalid": True}, status=400)
        if request.POST.get("action") == "all":
            suppression_add(email=email, reason=Suppression.Reason.UNSUBSCRIBED, detail="Preferences page")
            return self._render(request, email, self._form(email), changes=["unsubscribed from every notice list"])
        form = self._form(email, request.POST)
        if not form.is_valid():
            return self._render(request, email, form, status=400)
        changes = notice_preferences_update(
            actor=request.user,
            email=email,
            subscriptions=form.subscription_choices(),
            role_lists=form.role_list_choices(),
        )
        return self._render(request, email, self._form(email), changes=changes or ["nothing changed"])


class AttachmentDownloadView(View):
    """A file of a published notice: public, like the notice itself."""

    def get(self, request, notice_id, pk):
        from django.shortcuts import get_object_or_404

        from ercot_services.core.downloads import private_file_response

        from ..models import NoticeAttachment, NoticeStatus

        attachment = get_object_or_404(
            NoticeAttachment, pk=pk, notice__notice_id=notice_id, notice__status=NoticeStatus.PUBLISHED
        )
        return private_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


@method_decorator(csrf_exempt, name="dispatch")
class BounceWebhookView(View):
    """POST a DSN message or JSON bounce/complaint events; hard bounces and complaints are suppressed.

    Authenticated by the shared ``NOTICE_BOUNCE_TOKEN`` (Bearer), compared in constant time.
    """

    def post(self, request):
        import hmac

        from django.conf import settings
        from django.http import JsonResponse

        from ..bounces import ingest

        token = settings.NOTICE_BOUNCE_TOKEN
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(supplied.encode(), token.encode()):
            return JsonResponse({"error": "unauthorized"}, status=401)
        try:
            result = ingest(request.body)
        except (ValueError, UnicodeDecodeError) as error:
            return JsonResponse({"error": str(error)[:200]}, status=400)
        return JsonResponse({"suppressed": result.suppressed, "ignored": result.ignored})
