"""Invitations through the outbox: one address-only row per invitation issued, rendered at send time.

Organisations sit below notifications and never import it: they announce ``invitations_issued``, and
this module plans the e-mails. The address has no account yet, so the row has no preferences, quiet
hours or in-app list; it reads the organisation's language, as the invitation always did.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy

from organizations.models import Invitation
from organizations.services import invitation_url
from organizations.tenancy import current_organization, tenant_context

from .registry import Message, notification_kind, renderer
from .services import enqueue_delivery, plan

# Nobody can mute it: it is the only way into the organisation, and its address has no account (hence
# no preferences or quiet hours) yet.
INVITATION = notification_kind(
    "invitation", gettext_lazy("Invitation to join the organisation"), position=200, mutable=False
)
CHUNK = 500


def plan_invitation_emails(sender, organization, invitation_ids, **kwargs):
    """One e-mail per invitation issued. Issuing one again (a fresh link) is a new e-mail, hence the
    moment of issue in the natural key; a retried delivery finds the same row and sends nothing twice."""
    issued = timezone.now()
    stamp = issued.strftime("%Y%m%dT%H%M%S%f")
    ids = list(invitation_ids)
    with tenant_context(organization):
        for start in range(0, len(ids), CHUNK):
            invitations = Invitation.objects.filter(pk__in=ids[start : start + CHUNK]).only("pk", "email")
            for invitation in invitations:
                plan(
                    organization=organization,
                    address=invitation.email,
                    kind=INVITATION,
                    key=f"{INVITATION}:{invitation.pk}:issued:{stamp}",
                    due_at=issued,
                    object_id=invitation.pk,
                )
    enqueue_delivery(organization.pk)


@renderer(INVITATION)
def render_invitation(row):
    invitation = Invitation.objects.filter(pk=row.object_id).select_related("invited_by").first()
    # Accepted, withdrawn, or its address erased since: nothing to send.
    if invitation is None or not invitation.is_pending or invitation.email != row.address:
        return None
    context = {
        "organization": current_organization(),
        "invitation": invitation,
        "url": invitation_url(invitation),
    }

    def record_sent(moment):
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=moment)

    # The link is the invitee's credential: it is in the e-mail only, never kept on the row.
    return Message(
        subject=render_to_string("organizations/email/invitation_subject.txt", context),
        text=render_to_string("organizations/email/invitation.txt", context),
        html=render_to_string("organizations/email/invitation.html", context),
        on_sent=record_sent,
    )
