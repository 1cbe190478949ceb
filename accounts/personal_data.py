"""A person's own data across every organisation: the GDPR right of access (and portability) and the
right to erasure.

Both are about one person and cross organisations by nature, so they run inside ``unscoped`` with
every query filtered on that person. Each app declares what it holds about the person in its own
``personal_data.py``, registered in ``accounts.privacy``; this module assembles them, and holds the
account's own part and what ``organizations`` keeps (roles, invitations, the names on record). Two rules
hold whatever the code around them becomes: a partner's private notes and another person's survey answers
are never read, and a partner appears by name only.
"""

import json
from collections import defaultdict

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext

from organizations import audit
from organizations.audit import Action, ActorKind
from organizations.models import AuditEvent, Invitation, Membership, Organization, Person
from organizations.roles import Role
from organizations.services import end_access, end_account_access, pseudonymise_audit_events
from organizations.tenancy import tenant_context, unscoped

from . import privacy, sso
from .models import BreakGlassSignIn, EmailDomain, MfaReset, SignedInSession

EXPORT_FORMAT = "binome-personal-data/1"
ACCESS_REASON = "a person's own data export (GDPR right of access)"
ERASURE_REASON = "a person's erasure of their own data (GDPR right to erasure)"


def placeholder_email(user):
    """A unique address that can never receive mail (.invalid is reserved by RFC 2606)."""
    return f"deleted-{user.pk}@binome.invalid"


# Right of access ----------------------------------------------------------------------------------


def personal_data(*, user):
    """Everything Binôme keeps about ``user``, in every organisation they belong or belonged to.

    A fixed number of queries whatever the number of organisations, pairs or sessions: each piece reads
    its rows in a fixed number of queries.
    """
    with unscoped(ACCESS_REASON):
        loaded = [(piece.key, *piece.load(user)) for piece in privacy.export_pieces()]
    email_addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "account": {**_account(user, email_addresses), "single_sign_on": _identities(user)},
        "organisations": _organisations(loaded),
    }


def personal_data_json(*, user):
    return json.dumps(personal_data(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _account(user, email_addresses):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in email_addresses
        ],
    }


def _identities(user):
    """The identities of organisations' IdPs linked to the account: which IdP, and its subject."""
    identities = []
    for account in SocialAccount.objects.filter(user=user).order_by("pk"):
        provider = sso.identity_provider_by_provider_id(account.provider)
        identities.append(
            {
                "identity_provider": provider.name if provider else account.provider,
                "organisation": provider.organization.name if provider else None,
                "subject": account.uid,
                "linked_at": account.date_joined,
                "last_sign_in": account.last_login,
            }
        )
    return identities


def _by_organisation(items):
    grouped = defaultdict(list)
    for item in items:
        grouped[item.organization_id].append(item)
    return grouped


def _organisations(loaded):
    sections = [(key, _by_organisation(rows), entry) for key, rows, entry in loaded]
    organization_ids = set().union(*(grouped.keys() for _key, grouped, _entry in sections))
    organizations = Organization.objects.filter(pk__in=organization_ids).order_by("name", "pk")
    parts = []
    for organization in organizations:
        # People (partners, managers, authors) appear under the names this organisation holds.
        with tenant_context(organization):
            part = {"name": organization.name, "slug": organization.slug}
            for key, grouped, entry in sections:
                part[key] = [entry(row) for row in grouped[organization.pk]]
            parts.append(part)
    return parts


# What the organisation's HR holds under the person's name (it may differ from the account's).
@privacy.export("name_on_record", position=10, covers=[Person])
def _records(user):
    def entry(record):
        return {"first_name": record.first_name, "last_name": record.last_name}

    return list(Person.objects.filter(user=user)), entry


@privacy.export("roles", position=20, covers=[Membership])
def _roles(user):
    def entry(membership):
        return {"role": membership.role, "since": membership.created_at}

    return list(Membership.objects.filter(user=user).order_by("created_at", "pk")), entry


@privacy.export("invitations", position=30, covers=[Invitation])
def _invitations(user):
    def entry(invitation):
        return {
            "role": invitation.role,
            "sent_at": invitation.sent_at or invitation.created_at,
            "accepted_at": invitation.accepted_at,
            "revoked_at": invitation.revoked_at,
        }

    return list(Invitation.objects.filter(email__iexact=user.email).order_by("created_at")), entry


# Who reset the person's second factors, and why: the organisation's record, which the person may read.
@privacy.export("two_factor_resets", position=90, covers=[MfaReset])
def _two_factor_resets(user):
    def entry(reset):
        return {
            "at": reset.created_at,
            "by": reset.reset_by.display_name if reset.reset_by else None,
            "reason": reset.reason,
        }

    return list(
        MfaReset.objects.filter(member=user).select_related("reset_by").order_by("created_at", "pk")
    ), entry


privacy.not_exported(
    EmailDomain,
    why="who in HR claimed a domain, and which staff member confirmed it, is the organisation's and the "
    "platform's record of their own work",
)
privacy.not_exported(
    BreakGlassSignIn,
    why="platform staff's emergency sign-ins are the platform's audit trail of its own staff",
)
privacy.not_exported(
    AuditEvent,
    why="the audit trail is the organisation's record of who did what in it (its security and "
    "accountability, kept for the organisation's retention), not the person's data; an erased person's "
    "events stay, naming them by the placeholder address, without their IP address",
)
privacy.not_exported(
    SignedInSession,
    why="a sign-in's session key is a credential, not information about the person; ending access "
    "signs them all out",
)


# Right to erasure ---------------------------------------------------------------------------------


def erasure_refusal(user):
    """Why the person's account cannot be erased now, or None.

    The last HR admin of an organisation cannot leave it: nobody would be left to run it.
    """
    with unscoped(ERASURE_REASON):
        other_admins = Membership.objects.filter(
            organization_id=OuterRef("pk"), role=Role.HR_ADMIN, user__is_active=True
        ).exclude(user=user)
        alone = list(
            Organization.objects.filter(
                pk__in=Membership.objects.filter(user=user, role=Role.HR_ADMIN).values("organization_id")
            )
            .exclude(Exists(other_admins))
            .order_by("name")
            .values_list("name", flat=True)
        )
    if not alone:
        return None
    return gettext(
        "You are the only HR admin of %(organisations)s. Make a colleague HR admin there first: the "
        "organisation cannot be left without anyone to run it."
    ) % {"organisations": ", ".join(alone)}


@transaction.atomic
def erase_personal_data(*, user):
    """Erase the person from Binôme (GDPR right to erasure), in every organisation, all or nothing.

    Refused with ``ValidationError`` for the last HR admin of an organisation. Their live pairs end and
    the pairs' planned sessions are cancelled (the partner's calendar gets the cancellation), their
    participations are withdrawn and their profiles emptied, their private notes, free-text survey
    answers, notifications, preferences and e-mail addresses are deleted, their calendar feeds revoked
    and their memberships removed. The user row stays, anonymised, so that the partner's session
    history still holds together and shows "Deleted user". Numeric survey answers stay, anonymous.
    The apps' own steps are registered in ``accounts.privacy``.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return user
    refusal = erasure_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    with unscoped(ERASURE_REASON):
        organization_ids = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        for organizations_of in privacy.ORGANIZATION_HOLDERS:
            organization_ids |= set(organizations_of(user))
    # Each organisation's trail says that a person erased their data (and, once erased, not who).
    audit.record_in_each(
        Action.ERASURE,
        organization_ids=organization_ids,
        actor=user,
        actor_kind=ActorKind.MEMBER,
        target=user,
        target_label=user.email,
        request=audit.current_request(),
    )
    for organization in Organization.objects.filter(pk__in=organization_ids):
        with tenant_context(organization):
            # Stored text that HR and the partner read, in the organisation's language, and without the name.
            with translation.override(organization.default_language):
                reason = gettext("A participant deleted their account.")
            # Live pairs end and participations are withdrawn before the access goes.
            for step in privacy.leave_steps():
                step(organization=organization, user=user, reason=reason)
            # Memberships go, and with them the feed, survey links and pending invitations there.
            end_access(organization=organization, user=user, reason="account erased")
    # Then everywhere at once, for what no membership holds any more (open sign-ins, stray invitations).
    end_account_access(user=user, reason="account erased")
    with unscoped(ERASURE_REASON):
        for step in privacy.ERASE_STEPS:
            step(user=user, now=now)
    EmailAddress.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.first_name = user.last_name = ""
    user.email = placeholder_email(user)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.erased_at = now
    user.save()
    return user


@privacy.erase
def _forget_identities(*, user, now):
    # The IdP's subject would otherwise still point at the anonymised row.
    SocialAccount.objects.filter(user=user).delete()


@privacy.erase
def _forget_second_factors(*, user, now):
    # TOTP secrets, security-key credentials and recovery codes are credentials of an account that is gone.
    Authenticator.objects.filter(user=user).delete()


@privacy.erase
def _pseudonymise_audit_events(*, user, now):
    pseudonymise_audit_events(user=user, placeholder=placeholder_email(user))


@privacy.erase
def _forget_names(*, user, now):
    Invitation.objects.filter(email__iexact=user.email).update(email=placeholder_email(user))
    Person.objects.filter(user=user).update(first_name="", last_name="", updated_at=now)
