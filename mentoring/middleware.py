"""The product's 404 page with DEBUG on too.

With DEBUG on (as ``make run`` serves the app), Django answers a missing page with its technical page: in
English, outside the layout, listing every URL pattern. That is the first thing a newcomer meets after a
mistyped address, and it leaves them nowhere. This middleware, the innermost, swaps it for the page
production shows. The technical 500 page stays: a crash is the developer's to read.
"""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found


class ProductNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, Http404())
        return response
