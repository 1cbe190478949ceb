"""Sign-ins in the organisations' audit trails, and the middleware that lets the trail know the request.

A sign-in is one person's, not one organisation's: it is recorded in each organisation they are a member
of, or in the one organisation whose identity provider signed them in (the session opens only that one).
Which of the two is known only once the sign-in's flow is over (allauth marks the SSO session after
Django's ``user_logged_in``), so the events wait on the request and are written when the response is
ready, all of them in one INSERT. A failed sign-in for an address nobody holds records nothing: there is
no organisation to tell.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse

from organizations import audit
from organizations.access import SSO_SESSION_KEY
from organizations.audit import Action
from organizations.models import Membership
from organizations.tenancy import unscoped

PENDING = "_audit_sign_in_events"
MEMBERSHIPS_REASON = "a sign-in is recorded in each organisation the person is a member of"


def note(
    request: HttpRequest | None, action: Action, user: Any, details: dict[str, Any] | None = None
) -> None:
    """Record ``action`` of ``user`` once the request's response is ready (at once without a request)."""
    if user is None or user.pk is None:
        return
    if request is None or not hasattr(request, "session"):
        _write([(action, user, details or {})], request=None, sso_organization_id=None)
        return
    pending = request.__dict__.setdefault(PENDING, [])
    pending.append((action, user, details or {}))


def flush(request: HttpRequest) -> None:
    pending = request.__dict__.pop(PENDING, None)
    if not pending:
        return
    session = getattr(request, "session", None)
    sso_organization_id = session.get(SSO_SESSION_KEY) if session is not None else None
    _write(pending, request=request, sso_organization_id=sso_organization_id)


def _write(pending: list, *, request: HttpRequest | None, sso_organization_id: int | None) -> None:
    users = {user.pk: user for _action, user, _details in pending}
    if sso_organization_id is not None:
        organizations_of = {pk: {sso_organization_id} for pk in users}
    else:
        organizations_of = {pk: set() for pk in users}
        with unscoped(MEMBERSHIPS_REASON):
            for user_id, organization_id in Membership.objects.filter(user_id__in=users).values_list(
                "user_id", "organization_id"
            ):
                organizations_of[user_id].add(organization_id)
    events = []
    for action, user, details in pending:
        for organization_id in sorted(organizations_of[user.pk]):
            events.append(
                audit._event(
                    action,
                    organization_id=organization_id,
                    actor=user if user.is_authenticated else None,
                    actor_kind=audit.ActorKind.MEMBER,
                    actor_label=user.email,
                    target=None,
                    target_label="",
                    details=details,
                    request=request,
                    organization=None,
                )
            )
    audit.append(events)


# -- Receivers (connected in AccountsConfig.ready) ----------------------------------------------------


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    note(request, Action.SIGN_IN, user, {"method": _method(user)})


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    address = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    if not isinstance(address, str) or not address.strip():
        return
    user = get_user_model().objects.filter(email__iexact=address.strip()).first()
    if user is None:
        return
    note(request, Action.SIGN_IN_FAILED, user)


def second_factor_used(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Any = None, **kwargs: Any
) -> None:
    note(request, Action.MFA_VERIFIED, user, _factor(authenticator, kwargs))


def second_factor_failed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Any = None, **kwargs: Any
) -> None:
    note(request, Action.MFA_FAILED, user, _factor(authenticator, kwargs))


def _method(user: Any) -> str:
    backend = getattr(user, "backend", "") or ""
    return backend.rsplit(".", 1)[-1]


def _factor(authenticator: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {"factor": str(getattr(authenticator, "type", "") or "")}
    if kwargs.get("reauthenticated") or kwargs.get("reauthentication"):
        details["reauthentication"] = True
    return details


# -- The middleware ----------------------------------------------------------------------------------


class AuditMiddleware:
    """Lets the trail know the request being served; records what platform staff's request read of each
    organisation's data (``organizations.audit.StaffWatch``) and the sign-ins it made."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> Any:
        with audit.serving(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                with audit.watching_staff(
                    request, in_admin=request.path.startswith(self.admin_prefix)
                ) as watch:
                    response = self.get_response(request)
                audit.record_staff_access(watch, request=request)
            else:
                response = self.get_response(request)
            flush(request)
        return response

    @property
    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix
