from organizations.tenancy import tenant_context, unscoped

from . import services
from .registry import kinds


def withhold_emails_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """Unsent e-mails go with the roles they were for (the delivery checks again at send time)."""
    if organization is None:
        with unscoped("an account's access ended in every organisation"):
            services.withhold_pending(user=user)
        return
    withheld = [kind.value for kind in kinds() if not roles_left & kind.roles]
    if withheld:
        with tenant_context(organization):
            services.withhold_pending(user=user, kinds=withheld)
