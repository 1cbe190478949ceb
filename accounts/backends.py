"""Password authentication that respects "SSO required".

Both backends refuse a password for an address whose organisation requires single sign-on, whatever
page the password was typed on (allauth's sign-in, the Django admin's). The one exception is the
break-glass page, which marks its request after checking the person is platform staff and records
the sign-in (``accounts.sso_views.break_glass``). allauth's sign-in page shows why it refused through
``AccountAdapter.pre_authenticate``.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model

from organizations.access import READ_WITH_PERSON, read_person

from . import sso

BREAK_GLASS_ATTRIBUTE = "binome_break_glass"


def _refused(request, user) -> bool:
    if user is None or getattr(request, BREAK_GLASS_ATTRIBUTE, False):
        return False
    return sso.password_refused_for(user.email) is not None


class _PersonWithMemberships:
    """The signed-in person of each request read with their memberships, in one query instead of two.

    Every page of an organisation needs both (``organization_view``), and the layout's navigation on the
    others; the memberships are left on the person for ``get_member``. Someone with no membership is
    read alone, as Django does.
    """

    def get_user(self, user_id):
        user, memberships = read_person(user_id)
        if user is None:
            model = get_user_model()
            try:
                user = model._default_manager.get(pk=user_id)
            except model.DoesNotExist:
                return None
        setattr(user, READ_WITH_PERSON, memberships)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_PersonWithMemberships, backends.ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return None if _refused(request, user) else user


class AuthenticationBackend(_PersonWithMemberships, auth_backends.AuthenticationBackend):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        return None if _refused(request, user) else user
