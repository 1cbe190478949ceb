"""Bearer API keys: ``Authorization: Bearer bnm_…`` names the key, and so the organisation."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from organizations.tenancy import tenant_context

from .models import ApiKey

# last_used_at is written at most this often per key: a reporting tool's burst costs one UPDATE, not one a page.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class KeyClient:
    """What ``request.user`` is for a request made with a key: the key itself acts, no person does."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def __init__(self, key: ApiKey):
        self.key = key
        self.pk = None

    def __str__(self) -> str:
        return str(self.key)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give one API key after “Bearer”."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        key = ApiKey.authenticate(secret)
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid or has been revoked."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            with tenant_context(key.organization):
                ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return KeyClient(key), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
