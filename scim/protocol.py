"""The SCIM endpoint's plumbing: bearer tokens, JSON in and out, errors in SCIM's shape."""

import json
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import Error, InvalidSyntaxException, SCIMException, ScimPolicy

from organizations.tenancy import tenant_context

from .models import ScimToken

CONTENT_TYPE = "application/scim+json"
ACCEPTED_TYPES = {"application/scim+json", "application/json"}
# A token's last use is written at most this often: a directory's sync of thousands of people does not
# become thousands of writes.
LAST_USED_PRECISION = timedelta(minutes=5)


# What directories send, read as they mean it: attributes Binôme does not keep (Okta's password, Entra's
# phone numbers and addresses) are dropped, not refused; Entra's ``remove`` of members carrying the members
# in its ``value`` removes those; a ``replace`` on ``emails[type eq "work"].value`` with no work address
# yet adds one.
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate() -> tuple[int, int]:
    """``SCIM_RATE_LIMIT`` as (requests, seconds): "600/minute", "20/s", "10000/hour"."""
    count, _, period = settings.SCIM_RATE_LIMIT.partition("/")
    return int(count), PERIODS[period.strip()[:1].lower()]


def seconds_until_allowed(token: ScimToken) -> int:
    """0 while the token is within its rate, else the seconds until its window ends (``Retry-After``).

    A fixed window per token, counted in the cache (Redis in production: one count for every worker), as the
    REST API's keys are. A directory that loops on an error, or a leaked token, cannot take the web workers
    from everyone else; with the cache away the count is lost and requests go through.
    """
    limit, period = _rate()
    now = time.time()
    key = f"scim:rate:{token.pk}:{int(now // period)}"
    cache.add(key, 0, period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    if count is None or count <= limit:
        return 0
    return max(1, int(period - now % period))


POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


class ScimRequest(HttpRequest):
    scim_token: ScimToken
    scim_base_url: str


def respond(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, scim_type=scim_type, detail=detail)
    response = respond(error.model_dump(), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def scim_error(exception: SCIMException) -> HttpResponse:
    error = exception.to_error()
    status = int(error.status or exception.status)
    return error_response(status, error.detail or "", error.scim_type)


def validation_error(exception: PydanticValidationError) -> HttpResponse:
    errors = Error.from_validation_errors(exception)
    first = errors[0] if errors else Error(status=400, detail=str(exception))
    return error_response(int(first.status or 400), first.detail or "", first.scim_type)


def body_of(request: HttpRequest) -> dict[str, Any]:
    try:
        payload = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidSyntaxException(detail="The body is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object")
    return payload


def bearer_token(request: HttpRequest) -> ScimToken | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = ScimToken.authenticate(secret.strip())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        with tenant_context(token.organization):
            ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def scim_view(methods: set[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A SCIM endpoint: the bearer token names the organisation (no session, no CSRF: a machine calls),
    the view runs in its tenant context, and every failure answers in SCIM's error JSON."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: ScimRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = bearer_token(request)
            if token is None:
                return error_response(401, "A valid provisioning token is needed")
            if request.method not in methods:
                response = error_response(405, f"{request.method} is not supported here")
                response["Allow"] = ", ".join(sorted(methods))
                return response
            if request.method in ("POST", "PUT", "PATCH") and request.content_type not in ACCEPTED_TYPES:
                return error_response(415, "Send application/scim+json", "invalidSyntax")
            wait = seconds_until_allowed(token)
            if wait:
                response = error_response(429, f"Too many requests for this token: retry in {wait} s")
                response["Retry-After"] = str(wait)
                return response
            request.scim_token = token
            request.scim_base_url = request.build_absolute_uri("/scim/v2").rstrip("/")
            with tenant_context(token.organization), POLICY:
                try:
                    return view(request, *args, **kwargs)
                except SCIMException as exception:
                    return scim_error(exception)
                except PydanticValidationError as exception:
                    return validation_error(exception)

        return wrapper

    return decorator
