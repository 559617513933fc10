"""Who may open which area and who may take which action. Data scoping itself lives in ``accounts.selectors``.

Each staff action is a Django permission granted to the groups whose job it is (``accounts.roles``); each app's
``policies.py`` names them as ``can_<verb>(user, obj=None)`` for views and templates, and services call
:func:`require_permission` so a caller that skips the view (a task, the shell, a future API) is refused too.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import DomainError


class ActionNotAllowed(DomainError):
    """A service refused an action the actor's role does not allow (the views refuse it first, with a 403)."""


def has_permission(user, permission: str) -> bool:
    """``user.has_perm`` for a possibly anonymous or missing user; superusers hold every permission."""
    return user is not None and user.is_authenticated and user.has_perm(permission)


def load_permissions(user) -> None:
    """Read ``user``'s permissions now, in one query, so a template's ``perms`` checks run none: a page whose
    templates must not query calls this in its view.

    It fills the cache ``ModelBackend.get_all_permissions`` keeps on the user (``_perm_cache``: the user's own
    permissions and their groups', ``app_label.codename``), which ``has_perm`` and ``perms`` then read. Inactive
    users and superusers are left to Django (it answers them without this cache).
    """
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return
    if hasattr(user, "_perm_cache"):
        return
    from django.contrib.auth.models import Permission

    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}


def group_names(user) -> frozenset[str]:
    """The names of ``user``'s groups, read once and kept on the user object (one query per request), so the
    navigation and the templates ask again without a query."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_group_names"):
        user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._group_names


def require_permission(user, permission: str, message: str) -> None:
    """Refuse (:class:`ActionNotAllowed`, a ``DomainError``) unless ``user`` holds ``permission``."""
    if not has_permission(user, permission):
        raise ActionNotAllowed(message)


class StaffRequiredMixin(AccessMixin):
    """The workspace: operator staff only. Anonymous users go to sign-in, participants get 403.

    ``permission_required`` guards every method; ``action_permission_required`` guards only the action (POST),
    so the page a GET shows stays open to all staff while taking the action is for the groups whose job it is.
    """

    permission_required: str | None = None
    action_permission_required: str | None = None
    open_refusal = "Your role does not allow this action."

    @classmethod
    def may_open(cls, user) -> bool:
        """Whether ``user`` may open the page (a GET): what ``dispatch`` checks, asked without a request, so the
        navigation shows a link exactly when its page answers. Subclasses that refuse more override this."""
        if not (user.is_authenticated and user.is_staff):
            return False
        return not cls.permission_required or user.has_perm(cls.permission_required)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff:
            raise PermissionDenied("The workspace is for Client Services staff.")
        group_names(request.user)  # read before rendering: the navigation asks which pages the groups may open
        if not self.may_open(request.user):
            raise PermissionDenied(self.open_refusal)
        if request.method == "POST" and self.action_permission_required:
            if not request.user.has_perm(self.action_permission_required):
                raise PermissionDenied("Your role does not allow this action.")
        return super().dispatch(request, *args, **kwargs)


class ParticipantRequiredMixin(AccessMixin):
    """The portal: signed-in participant users with at least one active membership."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.is_staff:
            raise PermissionDenied("The portal is for Market Participant users; staff use the workspace.")
        return super().dispatch(request, *args, **kwargs)


def in_group(user, name: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=name).exists())
