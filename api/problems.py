"""Every error of the API as an RFC 9457 problem: ``application/problem+json`` with type, title, status, detail.

DRF's own errors (validation, authentication, scopes, throttling, parsing) pass through
``exception_handler``; Django's (``Http404``, ``PermissionDenied``, a model's ``ValidationError`` from a
service) are turned into DRF's first, so that no error under /api/ is HTML. ``type`` is ``about:blank``:
the status says what kind of problem it is. A validation problem adds the ``errors`` member (field name to
messages; ``non_field_errors`` for the request as a whole), a rate-limit problem ``retry_after`` (seconds).
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status_code, detail, **extensions):
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
    }
    body.update(extensions)
    return body


def _detail_text(detail):
    if isinstance(detail, list | tuple):
        return " ".join(_detail_text(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_detail_text(item) for item in detail.values())
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = problem(
            response.status_code,
            _detail_text(errors),
            errors={
                field: [str(message) for message in _flat(messages)] for field, messages in errors.items()
            },
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else exc
        body = problem(response.status_code, _detail_text(detail))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait)
    problem_response = Response(body, status=response.status_code, content_type=PROBLEM_CONTENT_TYPE)
    for header, value in response.items():
        if header.lower() != "content-type":
            problem_response[header] = value
    return problem_response


def _flat(messages):
    if isinstance(messages, dict):
        return [f"{key}: {message}" for key, value in messages.items() for message in _flat(value)]
    if isinstance(messages, list | tuple):
        return [message for item in messages for message in _flat(item)]
    return [messages]


def not_found(request, *args, **kwargs):
    """Any /api/ address that names no endpoint: a 404 problem, not the site's HTML page."""
    return JsonResponse(
        problem(status.HTTP_404_NOT_FOUND, "No endpoint at this address."),
        status=status.HTTP_404_NOT_FOUND,
        content_type=PROBLEM_CONTENT_TYPE,
    )


class ProblemMiddleware:
    """Under /api/, an error that Django answered itself (a malformed request refused before any view,
    the 500 page) goes out as a problem too, not as the site's HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            detail = (
                "The server could not answer this request."
                if response.status_code >= 500
                else ("The request could not be read.")
            )
            problem_response = JsonResponse(
                problem(response.status_code, detail),
                status=response.status_code,
                content_type=PROBLEM_CONTENT_TYPE,
            )
            for header in ("Retry-After", "WWW-Authenticate", "Allow"):
                if header in response:
                    problem_response[header] = response[header]
            return problem_response
        return response
