from organizations import services as organization_services

from . import services, sso


def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.record_sign_in(request=request, user=user)


def scope_single_sign_on(sender, request, user, sociallogin=None, **kwargs):
    """A sign-in through an organisation's IdP opens a session for that organisation only; any other
    sign-in (after the session was flushed or cycled) opens an unrestricted one."""
    if request is None or not hasattr(request, "session"):
        return
    provider = sso.identity_provider_by_provider_id(sociallogin.account.provider) if sociallogin else None
    if provider is not None:
        request.session[sso.SSO_SESSION_KEY] = provider.organization_id
    else:
        request.session.pop(sso.SSO_SESSION_KEY, None)


def forget_sign_out(sender, request, user, **kwargs):
    if request is not None:
        services.forget_sign_in(request=request)


def sign_out_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """Leaving an organisation, or losing the account, signs the person out of every open session:
    they sign in again to what they still have, and a browser left open shows nothing they lost."""
    if organization is None or not roles_left:
        services.sign_out_everywhere(user=user)


def end_access_of_deactivated_account(sender, instance, created, update_fields=None, **kwargs):
    """However an account is deactivated (the admin, a service, the shell), its access ends everywhere."""
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    organization_services.end_account_access(user=instance, reason="account deactivated")
