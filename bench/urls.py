"""The project's URLs plus two trivial views.

``bench-trivial`` returns "ok" without touching the database: the baseline. ``bench-trivial-user`` also reads
the signed-in user, so it pays what every signed-in page pays before doing anything of its own (loading the
session and the user, and saving the session again, as SESSION_SAVE_EVERY_REQUEST asks).
"""

from django.http import HttpResponse
from django.urls import include, path

from ercot_services.urls import handler403, handler404, handler500  # noqa: F401  (the root URLconf's handlers)


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def trivial_user(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/trivial-user/", trivial_user, name="bench-trivial-user"),
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("ercot_services.urls")),
]
