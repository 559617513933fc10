from django.conf import settings


def site(request):
    """Contact points and the role-based navigation flags every page needs."""
    user = getattr(request, "user", None)
    return {
        "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
        "CLIENT_SERVICES_EMAIL": settings.CLIENT_SERVICES_EMAIL,
        "SERVICE_DESK_EMAIL": settings.SERVICE_DESK_EMAIL,
        "is_staff_user": bool(user and user.is_authenticated and user.is_staff),
        "is_portal_user": bool(user and user.is_authenticated and not user.is_staff),
    }
