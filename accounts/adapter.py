from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return reverse("home")

    def is_open_for_signup(self, request):
        """Only allauth's own sign-up form asks: invitations and imports create accounts themselves, and
        single sign-on asks the social adapter."""
        return settings.PUBLIC_SIGNUP
