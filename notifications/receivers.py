from organizations.tenancy import tenant_context, unscoped

from . import services
from .models import Kind


def withhold_emails_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """Unsent e-mails go with the roles they were for (the delivery checks again at send time)."""
    if organization is None:
        with unscoped("an account's access ended in every organisation"):
            services.withhold_pending(user=user)
        return
    kinds = [
        kind
        for kind in Kind.values
        if not roles_left & services.ROLES_FOR_KIND.get(kind, services.PAIR_ROLES)
    ]
    if kinds:
        with tenant_context(organization):
            services.withhold_pending(user=user, kinds=kinds)
