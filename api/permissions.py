"""Each endpoint names the scope it needs (``required_scope`` on the view). A staff key also needs its user to hold,
now, the permission that reads what the scope reads (``api.policies.STAFF_SCOPE_PERMISSIONS``)."""

from rest_framework.permissions import BasePermission

from . import policies
from .models import ApiKey


class HasScope(BasePermission):
    message = "The API key lacks the scope this call needs."

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        scope = view.required_scope
        self.message = f"The API key lacks the scope {scope} this call needs."
        if scope and scope not in key.scopes:
            return False
        if key.is_staff_key:
            # A call that needs no scope (the MP's own record) needs the user to read with at least one of the key's.
            needed = [scope] if scope else key.scopes
            if not any(policies.staff_may_read(key.user, needed_scope) for needed_scope in needed):
                self.message = f"{key.user}'s role no longer allows reading what {scope or 'this key'} reads."
                return False
        return True
