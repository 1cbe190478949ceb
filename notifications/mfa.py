"""The e-mail telling a person that an organisation's HR reset their second factors.

The account is the person's and shared by every organisation they belong to; HR of one of them can
remove its second factors. The person hears of it at once, in their own language, whoever asked.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import MfaReset
from organizations.roles import Role
from organizations.tenancy import current_organization

from .registry import Message, notification_kind, renderer
from .services import notify

# Nobody can mute it: it is a security notice about their own account.
MFA_RESET = notification_kind(
    "mfa_reset",
    gettext_lazy("Two-factor authentication reset"),
    position=210,
    roles=frozenset(Role.values),
    mutable=False,
)


def tell_member_of_mfa_reset(sender, reset, **kwargs):
    notify(
        organization=reset.organization,
        recipients=[reset.member],
        kind=MFA_RESET,
        key=f"mfa_reset:{reset.pk}",
        object_id=reset.pk,
    )


@renderer(MFA_RESET)
def render_mfa_reset(row):
    reset = MfaReset.objects.filter(pk=row.object_id, member=row.recipient).first()
    if reset is None:
        return None
    names = {"organization": current_organization().name}
    return Message(
        subject=_("%(organization)s reset your two-factor authentication") % names,
        paragraphs=[
            _(
                "An HR admin of %(organization)s removed the authenticator apps, passkeys, security keys and "
                "recovery codes of your Binôme account, and signed you out everywhere."
            )
            % names,
            _(
                "Sign in again with your password and add a new second factor. If you did not ask for this, "
                "tell %(organization)s's HR at once and change your password."
            )
            % names,
        ],
        action_url=settings.SITE_URL + reverse("account_login"),
        action_label=_("Sign in"),
    )
