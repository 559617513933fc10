"""Each endpoint names the scope it needs (``required_scope`` on the view)."""

from rest_framework.permissions import BasePermission

from .models import ApiKey


class HasScope(BasePermission):
    message = "The API key lacks the scope this call needs."

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        self.message = f"The API key lacks the scope {view.required_scope} this call needs."
        return not view.required_scope or view.required_scope in key.scopes
