"""The Django admin, for platform staff: every page of it runs across organisations.

Staff pages read and change rows of any organisation, so each admin view runs ``unscoped``, its template
rendered inside the block too: a changelist's rows are read while the page renders, and row-level
security (``organizations.row_security``) would show none of them outside it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse

from .tenancy import unscoped

ADMIN_REASON = "django admin for platform staff"


class PlatformAdminSite(admin.AdminSite):
    def admin_view(self, view: Callable[..., HttpResponseBase], cacheable: bool = False) -> Any:
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def across_organizations(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with unscoped(ADMIN_REASON):
                response = guarded(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()
            return response

        return across_organizations
