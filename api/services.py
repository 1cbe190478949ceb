from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.audit import Action, record

from .models import ApiKey
from .scopes import Scope

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from organizations.models import Organization


@transaction.atomic
def create_api_key(
    *,
    organization: "Organization",
    name: str,
    scopes: Iterable[Any],
    created_by: "User | None" = None,
    request: "HttpRequest | None" = None,
    actor_label: str = "",
) -> tuple[ApiKey, str]:
    """Issue a key for the organisation with these scopes; returns (key, secret): the secret is shown once."""
    name = (name or "").strip()
    scopes = [str(scope) for scope in scopes]
    if not name:
        raise ValidationError(_("Give the key a name, so that you know which tool holds it."))
    if not scopes:
        raise ValidationError(_("Choose at least one scope."))
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    ordered = [scope for scope in Scope.values if scope in scopes]
    key = ApiKey(organization=organization, name=name, scopes=ordered)
    key.full_clean(exclude=["hint", "digest"])
    key, secret = ApiKey.issue(organization=organization, name=name, created_by=created_by, scopes=ordered)
    record(
        Action.API_KEY_CREATED,
        organization=organization,
        actor=created_by,
        actor_label=actor_label,
        target=key,
        details={"name": name, "scopes": ordered},
        request=request,
    )
    return key, secret


@transaction.atomic
def revoke_api_key(
    *, key: ApiKey, revoked_by: "User | None" = None, request: "HttpRequest | None" = None
) -> ApiKey:
    """The key stops working at once; it stays listed as revoked."""
    if key.revoked_at is not None:
        return key
    key.revoke()
    record(
        Action.API_KEY_REVOKED,
        organization=key.organization,
        actor=revoked_by,
        target=key,
        details={"name": key.name},
        request=request,
    )
    return key
