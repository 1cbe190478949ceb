"""The organisation's audit trail: what happened, who did it, to what, recorded append-only.

Any app records an event with ``record(action, ...)``: one INSERT, nothing read, so that recording never
costs a page more than a row. The trail belongs to the organisation: HR admins read and export it, and it
shows platform staff's access to the organisation's data. Events are kept ``AUDIT_RETENTION_DAYS`` and then
purged by a periodic task; nothing else deletes or changes them.

``details`` holds what the reader needs to understand the event (the filters of an export, the role
given, the token's name): never private content (notes, answers, agendas) and never a secret.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
    # Later additions, kept at the end so that the groups above stay as they were named.
    AUDIT_RETENTION_CHANGED = "audit_retention_changed", _("Audit trail retention changed")
    # The survey builder: what HR changed in a survey, and each new version it started.
    SURVEY_CHANGED = "survey_changed", _("Survey title or introduction changed")
    SURVEY_QUESTION_ADDED = "survey_question_added", _("Survey question added")
    SURVEY_QUESTION_CHANGED = "survey_question_changed", _("Survey question changed")
    SURVEY_QUESTION_MOVED = "survey_question_moved", _("Survey question moved")
    SURVEY_QUESTION_DELETED = "survey_question_deleted", _("Survey question deleted")
    SURVEY_QUESTION_DUPLICATED = "survey_question_duplicated", _("Survey question duplicated")
    SURVEY_VERSION_PUBLISHED = "survey_version_published", _("New survey version published")


# The page's filter groups actions by what they are about: each action in exactly one category.
class Category(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-ins")
    PEOPLE = "people", _("People and roles")
    EXPORTS = "exports", _("Exports and downloads")
    CONFIGURATION = "configuration", _("Configuration")
    STAFF = "staff", _("Platform staff")


CATEGORY_ACTIONS: dict[str, frozenset[str]] = {
    Category.SIGN_IN: frozenset(
        {
            Action.SIGN_IN,
            Action.SIGN_IN_FAILED,
            Action.MFA_VERIFIED,
            Action.MFA_FAILED,
            Action.MFA_RESET,
            Action.SIGN_OUT_EVERYWHERE,
        }
    ),
    Category.PEOPLE: frozenset(
        {
            Action.MEMBER_ADDED,
            Action.ROLE_GRANTED,
            Action.ROLE_REVOKED,
            Action.MEMBER_REMOVED,
            Action.INVITATION_SENT,
            Action.INVITATION_REVOKED,
            Action.INVITATION_ACCEPTED,
            Action.IMPORT_RUN,
            Action.PARTICIPANT_VIEWED,
            Action.WITHDRAWAL,
            Action.ERASURE,
            Action.SCIM_PROVISIONED,
            Action.SCIM_DEPROVISIONED,
        }
    ),
    Category.EXPORTS: frozenset({Action.EXPORT, Action.DOWNLOAD, Action.AUDIT_EXPORTED}),
    Category.CONFIGURATION: frozenset(
        {
            Action.SECURITY_CHANGED,
            Action.SSO_CHANGED,
            Action.SCIM_TOKEN_CREATED,
            Action.SCIM_TOKEN_REVOKED,
            Action.API_KEY_CREATED,
            Action.API_KEY_REVOKED,
            Action.WEBHOOK_CREATED,
            Action.WEBHOOK_CHANGED,
            Action.WEBHOOK_DELETED,
            Action.WEBHOOK_RESENT,
            Action.AUDIT_RETENTION_CHANGED,
            Action.SURVEY_CHANGED,
            Action.SURVEY_QUESTION_ADDED,
            Action.SURVEY_QUESTION_CHANGED,
            Action.SURVEY_QUESTION_MOVED,
            Action.SURVEY_QUESTION_DELETED,
            Action.SURVEY_QUESTION_DUPLICATED,
            Action.SURVEY_VERSION_PUBLISHED,
        }
    ),
    Category.STAFF: frozenset({Action.STAFF_ACCESS}),
}


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
    event = _event(
        action,
        organization_id=organization.pk,
        actor=actor,
        actor_kind=actor_kind,
        actor_label=actor_label,
        target=target,
        target_label=target_label,
        details=details,
        request=request,
        organization=organization,
    )
    event.save(force_insert=True)
    return event


def record_in_each(
    action: Action | str,
    *,
    organization_ids: Iterable[int],
    actor: Any = None,
    actor_kind: ActorKind | str | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
    request: "HttpRequest | None" = None,
) -> list["AuditEvent"]:
    """Append the same event to several organisations' trails (a sign-in of a person who belongs to
    three), in one INSERT whatever their number. Outside an organisation page nobody is a member "here":
    staff are reported as staff, as ``record`` does."""

    events = [
        _event(
            action,
            organization_id=organization_id,
            actor=actor,
            actor_kind=actor_kind or (ActorKind.MEMBER if actor is not None else None),
            actor_label="",
            target=target,
            target_label=target_label,
            details=details,
            request=request,
            organization=None,
        )
        for organization_id in sorted(set(organization_ids))
    ]
    return append(events)


def append(events: list["AuditEvent"]) -> list["AuditEvent"]:
    """Write events built by ``_event``, of any organisations, in one INSERT."""
    from .models import AuditEvent
    from .tenancy import unscoped

    if not events:
        return []
    with unscoped("events appended to the trails of the organisations they belong to"):
        return AuditEvent.objects.bulk_create(events)


def _event(
    action: Action | str,
    *,
    organization_id: int,
    actor: Any,
    actor_kind: ActorKind | str | None,
    actor_label: str,
    target: models.Model | None,
    target_label: str,
    details: dict[str, Any] | None,
    request: "HttpRequest | None",
    organization: "Organization | None",
) -> "AuditEvent":
    from .models import AuditEvent

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and getattr(actor, "pk", None) is None:
        # Not a person: an API key acting on its own (the API's request.user), named by its label.
        actor_label = actor_label or str(actor)
        actor_kind = actor_kind or ActorKind.API_KEY
        actor = None
    if actor_kind is None:
        if actor is None:
            actor_kind = ActorKind.SYSTEM
        elif actor.is_staff and (organization is None or not _is_member(actor, organization, request)):
            actor_kind = ActorKind.STAFF
        else:
            actor_kind = ActorKind.MEMBER
    if actor is not None and not actor_label:
        actor_label = actor.email
    return AuditEvent(
        organization_id=organization_id,
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


# -- The request being served ------------------------------------------------------------------------
# Set by ``organizations.middleware.AuditMiddleware`` for the duration of a request, so that code far
# from the view (a signal receiver, an ``unscoped`` block) knows who is asking.
_current_request: ContextVar["HttpRequest | None"] = ContextVar("audit_current_request", default=None)


def current_request() -> "HttpRequest | None":
    return _current_request.get()


@contextmanager
def serving(request: "HttpRequest") -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


# -- Platform staff reading an organisation's data ---------------------------------------------------


@dataclass
class StaffWatch:
    """What a staff user's request read of the organisations' data: organisation id -> model -> pks.

    Rows are noted as they are loaded (``post_init`` of every tenant-owned model), wherever the reading
    happens: the admin's changelists and forms, an ``unscoped`` block in a view, an inline, a delete
    confirmation. The middleware writes one event per organisation when the response is ready.
    """

    user_id: int | None
    in_admin: bool
    reasons: set[str] = field(default_factory=set)
    seen: dict[int, dict[str, set[str]]] = field(default_factory=dict)

    def note(self, instance: models.Model) -> None:
        organization_id = getattr(instance, "organization_id", None)
        if organization_id is None or instance.pk is None:
            return
        # The staff user's own rows (their memberships, their own notices) are not the organisation's data.
        if getattr(instance, "user_id", None) == self.user_id:
            return
        from .tenancy import unscoped_reason

        reason = unscoped_reason()
        if not self.in_admin and reason is None:
            return
        if reason:
            self.reasons.add(reason)
        self.seen.setdefault(organization_id, {}).setdefault(instance._meta.label_lower, set()).add(
            str(instance.pk)
        )


_staff_watch: ContextVar[StaffWatch | None] = ContextVar("audit_staff_watch", default=None)

# An event lists at most this many objects of a kind; the count says how many there were.
STAFF_ACCESS_LISTED = 50


def note_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``post_init`` of tenant-owned models: costs one context lookup unless staff are being served."""
    watch = _staff_watch.get()
    if watch is not None:
        watch.note(instance)


@contextmanager
def watching_staff(request: "HttpRequest", *, in_admin: bool) -> Iterator[StaffWatch]:
    watch = StaffWatch(user_id=request.user.pk, in_admin=in_admin)
    token = _staff_watch.set(watch)
    try:
        yield watch
    finally:
        _staff_watch.reset(token)


def record_staff_access(watch: StaffWatch, *, request: "HttpRequest") -> list["AuditEvent"]:
    """One ``STAFF_ACCESS`` event per organisation whose rows the staff user's request read, in one
    INSERT: the path, the kinds of object and their ids (a single object is the event's target)."""
    from .models import AuditEvent

    events = []
    for organization_id, by_model in sorted(watch.seen.items()):
        objects = {
            label: {"count": len(pks), "ids": sorted(pks, key=_natural)[:STAFF_ACCESS_LISTED]}
            for label, pks in sorted(by_model.items())
        }
        details: dict[str, Any] = {"path": request.path[:500], "method": request.method, "objects": objects}
        if watch.reasons:
            details["reasons"] = sorted(watch.reasons)
        single = [(label, pk) for label, pks in by_model.items() for pk in pks]
        target_type, target_id = single[0] if len(single) == 1 else ("", "")
        events.append(
            AuditEvent(
                organization_id=organization_id,
                action=Action.STAFF_ACCESS,
                actor_id=request.user.pk,
                actor_kind=ActorKind.STAFF,
                actor_label=getattr(request.user, "email", "")[:254],
                target_type=target_type,
                target_id=target_id,
                target_label=f"{target_type} #{target_id}" if target_id else "",
                details=details,
                ip_address=_client_address(request),
            )
        )
    return append(events)


def _natural(pk: str) -> tuple[int, str]:
    return (int(pk), "") if pk.isdigit() else (0, pk)


def record_for_request(
    action: Action | str,
    *,
    organization: "Organization",
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
) -> "AuditEvent":
    """``record`` with the actor of the request being served (none in a task or a command: the system)."""
    request = current_request()
    actor = getattr(request, "user", None) if request is not None else None
    return record(
        action,
        organization=organization,
        actor=actor,
        target=target,
        target_label=target_label,
        details=details,
        request=request,
    )


# -- Exports and downloads ---------------------------------------------------------------------------

# Query parameters that say which page of a list was shown, not what was exported.
_NOT_FILTERS = frozenset({"page"})


def request_filters(request: "HttpRequest") -> dict[str, Any]:
    """The query string as the filters of an export: one value or the list of them, never the page."""
    filters: dict[str, Any] = {}
    for key in sorted(request.GET):
        if key in _NOT_FILTERS:
            continue
        values = [value[:200] for value in request.GET.getlist(key) if value != ""]
        if values:
            filters[key[:100]] = values[0] if len(values) == 1 else values
    return filters


def _attachment_name(response: Any) -> str:
    disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
    marker = 'filename="'
    if marker in disposition:
        return disposition.split(marker, 1)[1].split('"', 1)[0][:200]
    return ""


_View = TypeVar("_View", bound=Callable[..., Any])


def audited_download(what: str, *, action: Action = Action.EXPORT) -> Callable[[_View], _View]:
    """Decorate an organisation page that answers a file: each file given records who took what, with
    which filters (its query string) and which object (its URL's ids). Under ``organization_view``.

    ``tests/organizations/test_audit_downloads.py`` walks every file-answering view: one that forgets this
    decorator, and is not listed there with a reason, fails.
    """

    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                details: dict[str, Any] = {"what": what, "filters": request_filters(request)}
                if kwargs:
                    details["objects"] = {key: str(value) for key, value in sorted(kwargs.items())}
                name = _attachment_name(response)
                if name:
                    details["file"] = name
                record(
                    action,
                    organization=request.organization,
                    actor=request.user,
                    details=details,
                    request=request,
                )
            return response

        wrapper.audited = what  # type: ignore[attr-defined]
        return cast(_View, wrapper)

    return decorator
