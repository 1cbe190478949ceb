from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import Member, get_member, organizations_of, switcher_organizations
from .models import Organization
from .navigation import navigation_for


def _member_outside_organization_pages(request: HttpRequest) -> Member | None:
    """The member to show the navigation of on a page that is not an organisation's own.

    Account pages (allauth's, preferences, my data) and error pages have no organisation in
    ``request.member``; the person still works in one, so the bar keeps its links: the organisation
    of the URL when they belong to it (a 403 there), else the last one they worked in.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    slugs = [
        match.kwargs.get("org_slug") if match else None,
        getattr(request, "session", {}).get("last_organization"),
    ]
    for slug in slugs:
        if slug:
            try:
                return get_member(user, slug)
            except Http404:
                continue
    return None


def current_organization(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None) or _member_outside_organization_pages(request)
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    organizations: Iterable[Organization] | None = switcher_organizations(member, session) if member else None
    if organizations is None:
        organizations = organizations_of(user, session) if user is not None else []
    return {
        "member": member,
        "current_organization": member.organization if member else None,
        # Lazy: the navigation bar's memo (templatetags/navigation.py) needs it only the first time it
        # renders the bar for these roles; the organisation's home page lists it too.
        "navigation_items": SimpleLazyObject(lambda: navigation_for(member)) if member else [],
        "my_organizations": organizations,
    }
