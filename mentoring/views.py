import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@never_cache
def health(request):
    """For container health checks: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the expired-form page in the layout, translated, instead of Django's bare one.

    Its usual cause is a form left open past a sign-out or a session's end, so it says so and offers a
    way back; the technical reason goes to the log only.
    """
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the layout without context processors, so the page renders when the database is down."""
    template = loader.get_template("500.html")
    context = {"request": request, "csrf_token": get_token(request)}
    return HttpResponseServerError(template.render(context))
