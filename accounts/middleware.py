import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show dates in the signed-in person's time zone, and pages in their language.

    An explicit choice made with the language switcher (the language cookie) wins over the
    stored preference, which is what the switcher also updates.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            from django.conf import settings

            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)


class EndedSessionMiddleware:
    """A request whose own session was ended while it ran (the person took a role away from themselves,
    or signed out everywhere from another browser at the same moment) finishes signed out, instead of
    Django's "session deleted before the request completed" error: the session is flushed before
    SessionMiddleware would try to save it. One lookup, only for the requests that change their session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.modified and session.session_key:
            if not session.exists(session.session_key):
                session.flush()
        return response
