from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per key, counted in Django's cache (Redis in production: one count for every worker).

    The rate is ``API_RATE_LIMIT`` (``600/minute`` by default). A request over it gets 429 with
    ``Retry-After``.
    """

    scope = "api_key"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
