from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions


class HasScope(permissions.BasePermission):
    """The key must hold the scope the view names for the request's method (``required_scopes``).

    A view that names no scope for a method is refused: deny by default.
    """

    def has_permission(self, request, view):
        key = request.auth
        if key is None:
            raise exceptions.NotAuthenticated()
        if request.method not in view.allowed_methods:
            return True  # the view answers 405 itself
        scope = getattr(view, "required_scopes", {}).get(request.method)
        if scope is None and request.method in ("HEAD", "OPTIONS"):
            scope = view.required_scopes.get("GET")
        if scope is None or not key.has_scope(scope):
            raise exceptions.PermissionDenied(
                _("This API key does not have the “%(scope)s” scope.") % {"scope": scope or request.method}
            )
        return True
