from organizations.tenancy import tenant_context

from . import services
from .selectors import MEMBERSHIP_ROLE_OF


def withdraw_links_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """A survey link is answered as a mentor or a mentee: it stops working with that role."""
    if organization is None:
        services.withdraw_survey_links(user=user)
        return
    gone = [
        participant_role for participant_role, role in MEMBERSHIP_ROLE_OF.items() if role not in roles_left
    ]
    if gone:
        with tenant_context(organization):
            services.withdraw_survey_links(user=user, roles=gone)
