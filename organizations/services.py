"""Organisations, memberships and invitations: the actions that change them."""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import Invitation, Membership, Organization, Person
from .roles import Role
from .signals import access_ended, invitations_issued, member_joined, organization_created
from .tenancy import tenant_context, unscoped

if TYPE_CHECKING:
    from datetime import datetime

    from django.utils.functional import _StrPromise  # the stubs' type of a lazy translation

    from accounts.models import User  # a type only: the one name the layering lets organizations see

INVITATION_SALT = "binome.invitation"

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """An invitation link that cannot be used; ``reason`` is shown to the person."""

    def __init__(self, reason: "str | _StrPromise") -> None:
        super().__init__(str(reason))
        self.reason = reason


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def create_organization(
    *, name: str, slug: str, admin_email: str, default_language: str = "fr", time_zone: str = "Europe/Paris"
) -> tuple[Organization, Invitation]:
    """Create a customer organisation and invite its first HR admin."""
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("An organisation with this slug already exists.")})
    organization = Organization(name=name, slug=slug, default_language=default_language, time_zone=time_zone)
    organization.full_clean()
    organization.save()
    with tenant_context(organization):
        invitation = invite_member(organization=organization, email=admin_email, role=Role.HR_ADMIN)
    organization_created.send(sender=Organization, organization=organization)
    return organization, invitation


def invite_member(
    *, organization: Organization, email: str, role: str, invited_by: "User | None" = None
) -> Invitation:
    """Invite an e-mail address with a role; the e-mail goes out after the transaction commits.

    Inviting someone who already holds the role is refused; inviting again someone whose
    invitation is still pending sends the same invitation again with a fresh link.
    """
    email = normalize_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    User = get_user_model()
    with tenant_context(organization), transaction.atomic():
        existing_user = User.objects.filter(email__iexact=email).first()
        if existing_user and Membership.objects.filter(user=existing_user, role=role).exists():
            raise ValidationError(_("%(email)s is already a member with this role.") % {"email": email})
        invitation = Invitation.objects.filter(
            email=email, role=role, accepted_at=None, revoked_at=None
        ).first()
        if invitation is None:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        organization=organization, email=email, role=role, invited_by=invited_by
                    )
            except IntegrityError:
                invitation = Invitation.objects.get(email=email, role=role, accepted_at=None, revoked_at=None)
        invitations_issued.send(sender=Invitation, organization=organization, invitation_ids=[invitation.pk])
    return invitation


def revoke_invitation(*, invitation: Invitation) -> None:
    """Withdraw a pending invitation: its link no longer works. Recorded in the trail."""
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record_for_request(
            audit.Action.INVITATION_REVOKED,
            organization=invitation.organization,
            target=invitation,
            target_label=invitation.email,
            details={"role": invitation.role},
        )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"o": invitation.organization_id, "i": invitation.pk}, salt=INVITATION_SALT, compress=True
    )


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link stands for, or ``InvitationError`` saying why not."""
    max_age = settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationError(
            _("This invitation link has expired. Ask your HR team to send you a new one.")
        ) from None
    except signing.BadSignature:
        raise InvitationError(
            _("This invitation link is not valid. Check that it was copied whole.")
        ) from None
    organization = Organization.objects.filter(pk=payload.get("o")).first()
    if organization is None:
        raise InvitationError(_("This invitation link is not valid. Check that it was copied whole."))
    with tenant_context(organization):
        invitation = Invitation.objects.select_related("organization").filter(pk=payload.get("i")).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Check that it was copied whole."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Sign in to continue."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn by your organisation."))
    return invitation


def record_person(
    *,
    organization: Organization,
    user: "User",
    first_name: str = "",
    last_name: str = "",
    blank_keeps: bool = True,
) -> Person:
    """The organisation's own record of ``user``, created if missing; the names given replace its own
    (a blank name keeps the recorded one, unless ``blank_keeps`` is false).

    Only this organisation's row is written: never the account, never another organisation's record.
    """
    with tenant_context(organization):
        person, _created = Person.objects.get_or_create(organization=organization, user=user)
        changed = []
        for field, value in (("first_name", first_name), ("last_name", last_name)):
            if (value or not blank_keeps) and getattr(person, field) != value:
                setattr(person, field, value)
                changed.append(field)
        if changed:
            person.full_clean(exclude=["organization", "user"])
            person.save(update_fields=[*changed, "updated_at"])
    return person


def share_own_name(*, user: "User") -> None:
    """The person changed their name on their account: every organisation they belong to shows it.

    A person's name is theirs to correct (a marriage, a typo in HR's file); what HR typed about their
    job, department or manager stays the organisation's.
    """
    from .people import forget_names

    with unscoped("a person's own name change reaches each of their organisations"), transaction.atomic():
        organization_ids = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        records = Person.objects.filter(user=user, organization_id__in=organization_ids)
        records.update(first_name=user.first_name, last_name=user.last_name, updated_at=timezone.now())
        known = set(records.values_list("organization_id", flat=True))
        Person.objects.bulk_create(
            [
                Person(
                    organization_id=organization_id,
                    user=user,
                    first_name=user.first_name,
                    last_name=user.last_name,
                )
                for organization_id in sorted(organization_ids - known)
            ]
        )
    forget_names()


@dataclass
class Acceptance:
    user: "User"
    organization: Organization
    created_user: bool


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    user: "User | None" = None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> Acceptance:
    """Turn a pending invitation into a membership.

    With no ``user``, the invitee is new: an account is created with the password they chose, and
    their e-mail counts as verified since they received the link there.
    """
    organization = invitation.organization
    User = get_user_model()
    created = False
    with tenant_context(organization):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise InvitationError(_("This invitation has already been used. Sign in to continue."))
        if user is None:
            existing = User.objects.filter(email__iexact=invitation.email).first()
            if existing is not None and not is_awaiting_first_password(existing):
                raise InvitationError(_("An account already exists for this address: sign in to accept."))
            if existing is not None:
                # Created by an HR import with no password: the invitee sets it from the link.
                user = existing
                user.first_name, user.last_name = first_name or user.first_name, last_name or user.last_name
                user.set_password(password)
                user.full_clean(exclude=["password", "email"])
                user.save(update_fields=["first_name", "last_name", "password"])
            else:
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    language=organization.default_language,
                    time_zone=organization.time_zone,
                )
            created = True
        elif normalize_email(user.email) != invitation.email:
            raise InvitationError(
                _("This invitation was sent to another address. Sign out and open it again.")
            )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(organization=organization, user=user, role=invitation.role)
        # The person joins: the name they give (or their account's, if this organisation has none yet)
        # is what this organisation shows from now on.
        person = record_person(
            organization=organization, user=user, first_name=first_name, last_name=last_name
        )
        if not person.full_name:
            record_person(
                organization=organization, user=user, first_name=user.first_name, last_name=user.last_name
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            audit.Action.INVITATION_ACCEPTED,
            organization=organization,
            actor=user,
            actor_kind=audit.ActorKind.MEMBER,
            target=invitation,
            target_label=invitation.email,
            details={"role": invitation.role, "new_account": created},
            request=audit.current_request(),
        )
    return Acceptance(user=user, organization=organization, created_user=created)


def is_awaiting_first_password(user: "User") -> bool:
    """An account an HR import created: no usable password and never signed in."""
    return not user.has_usable_password() and user.last_login is None


def next_url_after_joining(acceptance: Acceptance) -> str:
    """Where a newcomer goes after accepting: what an app asks them to do first, else the home page."""
    for _receiver, url in member_joined.send(
        sender=Organization, user=acceptance.user, organization=acceptance.organization
    ):
        if url:
            return url
    return reverse("organization_home", kwargs={"org_slug": acceptance.organization.slug})


def remove_role(*, organization: Organization, user: "User", role: str, removed_by: "User") -> None:
    """Take a role away, and what only that role justified (see ``roles_removed``).

    An HR admin cannot remove their own HR role (nobody would be left to fix it).
    """
    with tenant_context(organization), transaction.atomic():
        if role == Role.HR_ADMIN and user == removed_by:
            raise ValidationError(_("You cannot remove your own HR admin role."))
        removed, _by_model = Membership.objects.filter(user=user, role=role).delete()
        _pending_invitations(user).filter(role=role).update(revoked_at=timezone.now())
        roles_removed(organization=organization, user=user, reason="role removed")
        if removed:
            audit.record_for_request(
                audit.Action.ROLE_REVOKED,
                organization=organization,
                target=user,
                target_label=user.email,
                details={"role": role},
            )


def roles_removed(*, organization: Organization, user: "User", reason: str) -> None:
    """After any of a person's roles in the organisation went, revoke what the remaining ones do not justify.

    Whatever path removed the rows (a service, the Django admin) calls this. With no role left, their
    pending invitations to the organisation are withdrawn (an old link must not bring them back) and
    every app hears ``access_ended`` with the roles left: the calendar feed and survey links go with the
    last pair role, unsent e-mails with the last role, and open sign-ins with any role. Idempotent.
    """
    with tenant_context(organization), transaction.atomic():
        roles_left = frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))
        if not roles_left:
            _pending_invitations(user).update(revoked_at=timezone.now())
        logger.info(
            "access reduced: user %s in organisation %s (%s), roles left: %s",
            user.pk,
            organization.pk,
            reason,
            sorted(roles_left),
        )
        access_ended.send(
            sender=Membership, organization=organization, user=user, reason=reason, roles_left=roles_left
        )


def end_access(*, organization: Organization, user: "User", reason: str) -> None:
    """The person leaves the organisation: every role they hold there is removed, with all it let them
    reach (pending invitations, calendar feed, survey links, unsent e-mails, open sign-ins). Idempotent.
    """
    with tenant_context(organization), transaction.atomic():
        roles = sorted(Membership.objects.filter(user=user).values_list("role", flat=True))
        Membership.objects.filter(user=user).delete()
        roles_removed(organization=organization, user=user, reason=reason)
        if roles:
            audit.record_for_request(
                audit.Action.MEMBER_REMOVED,
                organization=organization,
                target=user,
                target_label=user.email,
                details={"roles": roles, "reason": reason},
            )


def end_account_access(*, user: "User", reason: str) -> None:
    """The account itself loses access everywhere (deactivated, erased, deprovisioned): every pending
    invitation to its address is withdrawn and every app revokes what it issued, in every organisation.

    Memberships stay, so that reactivating the account gives back what it had; every read that a token
    allows (feeds, survey and unsubscribe links) checks that the account is active. Idempotent.
    """
    with transaction.atomic(), unscoped("ending an account's access in every organisation"):
        _pending_invitations(user).update(revoked_at=timezone.now())
        logger.info("access ended everywhere: user %s (%s)", user.pk, reason)
        access_ended.send(
            sender=Membership, organization=None, user=user, reason=reason, roles_left=frozenset()
        )


def _pending_invitations(user: "User") -> QuerySet[Invitation]:
    """The person's pending invitations in the current organisation (or every one, when unscoped)."""
    return Invitation.objects.filter(
        email__iexact=normalize_email(user.email), accepted_at=None, revoked_at=None
    )


# The audit trail ---------------------------------------------------------------------------------------


def _allow_on_audit_events(setting: str, value: str) -> None:
    """Tell the database trigger (migration 0007) that this transaction may delete or pseudonymise audit
    events; the setting ends with the transaction. SQLite has no trigger: the model guards there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, value])


def purge_audit_events(*, now: "datetime | None" = None, batch_size: int | None = None) -> int:
    """Delete the audit events older than their organisation's retention, in batches; returns how many.

    The only deletion audit events know. Idempotent: a second run finds nothing. Each batch is its own
    short transaction, so that a purge of millions of rows never holds a long lock.
    """
    from datetime import timedelta

    from .models import AuditEvent

    now = now or timezone.now()
    batch_size = batch_size or settings.AUDIT_PURGE_BATCH
    organizations_by_days: dict[int, list[int]] = {}
    for organization in Organization.objects.only("pk", "audit_retention_months"):
        organizations_by_days.setdefault(organization.audit_retention_days, []).append(organization.pk)
    deleted = 0
    with unscoped("the audit trail's retention purge runs over every organisation's expired events"):
        for days, organization_ids in sorted(organizations_by_days.items()):
            expired = AuditEvent.objects.filter(
                organization_id__in=organization_ids, occurred_at__lt=now - timedelta(days=days)
            )
            while True:
                with transaction.atomic():
                    _allow_on_audit_events("binome.audit_purge", "on")
                    batch = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
                    if batch:
                        AuditEvent.objects.filter(pk__in=batch).delete()
                deleted += len(batch)
                if len(batch) < batch_size:
                    break
    if deleted:
        logger.info("audit trail purge: %s expired events deleted", deleted)
    return deleted


def allow_organization_deletion(*, organization: Organization) -> None:
    """An organisation being deleted takes its audit trail with it (pre_delete, inside the deletion's
    transaction): nothing is left for anyone to read."""
    _allow_on_audit_events("binome.audit_organization_deleted", str(organization.pk))


def pseudonymise_audit_events(*, user: "User", placeholder: str) -> int:
    """The person is erased: their events stay (the organisation's record of what happened), naming
    them by ``placeholder`` instead of their address, without their IP address; events about them
    (a role given, an invitation to their address) no longer name them either. Call inside the erasure's
    transaction, unscoped."""
    from django.db.models import Q

    from .models import AuditEvent

    _allow_on_audit_events("binome.audit_erasure", "on")
    changed = AuditEvent.objects.filter(actor=user).update(actor_label=placeholder, ip_address=None)
    about = Q(target_type=user._meta.label_lower, target_id=str(user.pk)) | Q(target_label__iexact=user.email)
    changed += AuditEvent.objects.filter(about).update(target_label=placeholder)
    return changed
