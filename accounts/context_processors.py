from allauth.account.adapter import get_adapter


def sign_up(request):
    """Whether pages (and allauth's e-mails) may offer a "Sign up" link."""
    return {"signup_open": get_adapter(request).is_open_for_signup(request)}
