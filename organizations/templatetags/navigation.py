"""``{% navigation_bar %}``: the layout's navigation bar, rendered once per process for what it shows.

What the bar shows is the person (signed in or not, their name), the organisation of the page (its name,
slug and whether it has a logo), their roles there (which decide the links) and their organisations (the
switcher): the key of ``mentoring.fragments.render_fragment``, and the only context the template is given.
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from mentoring.fragments import render_fragment

register = template.Library()

TEMPLATE = "includes/navigation.html"


@register.simple_tag(takes_context=True)
def navigation_bar(context: template.Context) -> SafeString:
    user = context.get("user")
    signed_in = user is not None and bool(user.is_authenticated)
    name = user.own_display_name if user is not None and signed_in else ""
    member = context.get("member")
    organization = context.get("current_organization")
    here = (
        {"slug": organization.slug, "name": organization.name, "logo": bool(organization.logo)}
        if organization is not None
        else None
    )
    organizations = tuple(
        (switchable.slug, switchable.name) for switchable in (context.get("my_organizations") or ())
    )
    roles = tuple(sorted(member.roles)) if member else None
    key = (signed_in, name, here and tuple(here.items()), roles, organizations)

    def bar_context() -> dict[str, Any]:
        return {
            "user": {"is_authenticated": signed_in, "own_display_name": name},
            "member": member is not None and bool(member),
            "current_organization": here,
            "navigation_items": [
                {"url": item["url"], "label": item["label"]} for item in context.get("navigation_items") or ()
            ],
            "my_organizations": [{"slug": slug, "name": title} for slug, title in organizations],
        }

    return render_fragment(TEMPLATE, key, bar_context, csrf_token=context.get("csrf_token"))
