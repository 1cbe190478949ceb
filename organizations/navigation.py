"""The navigation bar's entries: each shown to members whose roles grant its capability."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Capability

NAVIGATION = [
    (Capability.MANAGE_MEMBERS, "members", _("Members")),
    (Capability.MANAGE_PROGRAMMES, "programme_list", _("Programmes")),
    (Capability.MANAGE_PROGRAMMES, "skill_list", _("Skills")),
    (Capability.PARTICIPATE, "my_programmes", _("My programmes")),
    (Capability.MANAGE_PAIRING, "matching", _("Matching")),
    (Capability.PARTICIPATE, "my_matches", _("My match")),
    (Capability.PARTICIPATE, "my_pairs", _("My pair")),
    (Capability.VIEW_PAIR_STATISTICS, "pairs_overview", _("Pairs")),
    (Capability.MANAGE_PROGRAMMES, "surveys", _("Surveys")),
    (Capability.VIEW_ORGANIZATION, "notifications", _("Notifications")),
    (Capability.VIEW_DASHBOARD, "dashboard", _("Dashboard")),
    (Capability.VIEW_OPERATIONS, "operations", _("Pairs to follow")),
]


def navigation_for(member):
    items = []
    for capability, url_name, label in NAVIGATION:
        if not member.can(capability):
            continue
        try:
            url = reverse(url_name, kwargs={"org_slug": member.organization.slug})
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label})
    return items
