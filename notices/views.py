"""Public notice views: the RFC 8058 one-click unsubscribe, subscription confirmation, the notice page."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ercot_services.core.models import DomainError

from .models import Notice, NoticeStatus
from .rendering import render_markdown
from .services import subscription_confirm, unsubscribe_by_token


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """GET shows a confirmation button; POST (the RFC 8058 one-click) unsubscribes at once, without a redirect."""

    def get(self, request, token):
        return render(request, "notices/unsubscribe.html", {"token": token, "done": False})

    def post(self, request, token):
        try:
            delivery = unsubscribe_by_token(token=token)
        except DomainError as error:
            return render(request, "notices/unsubscribe.html", {"error": str(error)}, status=404)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(request, "notices/unsubscribe.html", {"done": True, "delivery": delivery})


class ConfirmSubscriptionView(View):
    def get(self, request, token):
        try:
            subscription = subscription_confirm(token=token)
        except DomainError as error:
            return render(request, "notices/confirm.html", {"error": str(error)}, status=400)
        return render(request, "notices/confirm.html", {"subscription": subscription})


class NoticeDetailView(View):
    def get(self, request, notice_id):
        notice = get_object_or_404(
            Notice.objects.select_related("notice_type", "thread").prefetch_related("audience"),
            notice_id=notice_id,
            status=NoticeStatus.PUBLISHED,
        )
        thread = notice.thread.notices.filter(status=NoticeStatus.PUBLISHED).order_by("number") if notice.thread_id else []
        return render(
            request,
            "notices/detail.html",
            {"notice": notice, "long_description_html": render_markdown(notice.long_description), "thread": thread},
        )
