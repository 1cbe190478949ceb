"""The organisation's audit trail: what happened, who did it, to what, recorded append-only.

Any app records an event with ``record(action, ...)``: one INSERT, nothing read, so that recording never
costs a page more than a row. The trail belongs to the organisation: HR admins read and export it, and it
shows platform staff's access to the organisation's data. Events are kept ``AUDIT_RETENTION_DAYS`` and then
purged by a periodic task; nothing else deletes or changes them.

``details`` holds what the reader needs to understand the event (the filters of an export, the role
given, the token's name): never private content (notes, answers, agendas) and never a secret.
"""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import AuditEvent, Organization


class Action(models.TextChoices):
    # Sign-in
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    MFA_VERIFIED = "mfa_verified", _("Second factor verified")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    MFA_RESET = "mfa_reset", _("Second factors reset")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Signed out everywhere")
    # People and roles
    MEMBER_ADDED = "member_added", _("Member added")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role removed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    IMPORT_RUN = "import_run", _("Import run")
    PARTICIPANT_VIEWED = "participant_viewed", _("Participant's page opened")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    ERASURE = "erasure", _("Personal data erased")
    DELEGATION_GRANTED = "delegation_granted", _("Scheduling delegated to an assistant")
    DELEGATION_REMOVED = "delegation_removed", _("Assistant's delegation removed")
    PREPARATION_WAIVED = "preparation_waived", _("Preparation waived for a pair")
    # Exports and downloads
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    # Configuration
    SECURITY_CHANGED = "security_changed", _("Security settings changed")
    SSO_CHANGED = "sso_changed", _("Single sign-on changed")
    SCIM_TOKEN_CREATED = "scim_token_created", _("Provisioning token created")
    SCIM_TOKEN_REVOKED = "scim_token_revoked", _("Provisioning token revoked")
    SCIM_PROVISIONED = "scim_provisioned", _("Person provisioned by the directory")
    SCIM_DEPROVISIONED = "scim_deprovisioned", _("Person deprovisioned by the directory")
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    WEBHOOK_CREATED = "webhook_created", _("Webhook endpoint added")
    WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint changed")
    WEBHOOK_DELETED = "webhook_deleted", _("Webhook endpoint removed")
    WEBHOOK_RESENT = "webhook_resent", _("Webhook delivery resent")
    AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
    # Platform staff
    STAFF_ACCESS = "staff_access", _("Platform staff accessed the organisation's data")


class ActorKind(models.TextChoices):
    MEMBER = "member", _("Member")
    STAFF = "staff", _("Platform staff")
    DIRECTORY = "directory", _("Directory (SCIM)")
    API_KEY = "api_key", _("API key")
    SYSTEM = "system", _("Binôme")


def record(
    action: Action | str,
    *,
    organization: "Organization",
    actor: Any = None,
    actor_kind: ActorKind | str | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
    request: "HttpRequest | None" = None,
) -> "AuditEvent":
    """Append one event to ``organization``'s trail, in one INSERT.

    ``actor`` is the signed-in user, if any; ``actor_label`` names what is not a user (a token's name)
    and keeps the person's address readable after their account is erased. ``target`` is the object the
    event is about; its label is frozen at the time of the event.
    """
    from .models import AuditEvent

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor_kind is None:
        if actor is None:
            actor_kind = ActorKind.SYSTEM
        elif actor.is_staff and not _is_member(actor, organization, request):
            actor_kind = ActorKind.STAFF
        else:
            actor_kind = ActorKind.MEMBER
    if actor is not None and not actor_label:
        actor_label = actor.email
    event = AuditEvent(
        organization_id=organization.pk,
        action=str(action),
        actor_id=actor.pk if actor is not None else None,
        actor_kind=str(actor_kind),
        actor_label=actor_label[:254],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:254],
        details=details or {},
        ip_address=_client_address(request),
    )
    event.save(force_insert=True)
    return event


def _is_member(actor: Any, organization: "Organization", request: "HttpRequest | None") -> bool:
    # Inside an organisation page the gate has already loaded the member: reading it costs no query, so
    # recording stays one INSERT. Elsewhere (the Django admin, a command) staff is reported as staff, the
    # cautious side for the organisation reading its trail.
    member = getattr(request, "member", None) if request is not None else None
    return member is not None and member.organization.pk == organization.pk and member.user.pk == actor.pk


def _client_address(request: "HttpRequest | None") -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
