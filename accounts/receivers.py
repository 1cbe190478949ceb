from organizations import services as organization_services

from . import mfa, services, sso


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
    """Any role taken away (HR admin to mentor only, the last role, the account itself) signs the person
    out of every open session at once. A session is one browser's sign-in, shared by all their
    organisations, so it cannot be narrowed to the one that changed: they sign in again to what they
    still have, and no page left open keeps showing what they lost."""
    services.sign_out_everywhere(user=user)


def end_access_of_deactivated_account(sender, instance, created, update_fields=None, **kwargs):
    """However an account is deactivated (the admin, a service, the shell), its access ends everywhere."""
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    organization_services.end_account_access(user=instance, reason="account deactivated")


def remember_mfa_requirement(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mfa.remember_requirement(request=request, user=user)
