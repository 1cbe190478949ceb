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
