from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from . import sso


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return reverse("home")

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        # "SSO required": say so, and where to go, instead of a wrong-password message.
        sso.check_password_sign_in(credentials.get("email") or credentials.get("username") or "")

    def is_open_for_signup(self, request):
        """Only allauth's own sign-up form asks: invitations and imports create accounts themselves, and
        single sign-on asks the social adapter."""
        return settings.PUBLIC_SIGNUP
