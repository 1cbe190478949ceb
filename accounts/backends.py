"""Password authentication that respects "SSO required".

Both backends refuse a password for an address whose organisation requires single sign-on, whatever
page the password was typed on (allauth's sign-in, the Django admin's). The one exception is the
break-glass page, which marks its request after checking the person is platform staff and records
the sign-in (``accounts.sso_views.break_glass``). allauth's sign-in page shows why it refused through
``AccountAdapter.pre_authenticate``.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends

from . import sso

BREAK_GLASS_ATTRIBUTE = "binome_break_glass"


def _refused(request, user) -> bool:
    if user is None or getattr(request, BREAK_GLASS_ATTRIBUTE, False):
        return False
    return sso.password_refused_for(user.email) is not None


class ModelBackend(backends.ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return None if _refused(request, user) else user


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        return None if _refused(request, user) else user
