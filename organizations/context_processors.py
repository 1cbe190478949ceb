from typing import Any

from django.http import HttpRequest

from .access import organizations_of
from .navigation import navigation_for


def current_organization(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    user = getattr(request, "user", None)
    return {
        "member": member,
        "current_organization": member.organization if member else None,
        "navigation_items": navigation_for(member) if member else [],
        "my_organizations": organizations_of(user, getattr(request, "session", None))
        if user is not None
        else [],
    }
