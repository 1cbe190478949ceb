from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account import signals as allauth_signals
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_save

        from organizations.access import member_gate
        from organizations.signals import access_ended
        from organizations.views import INVITATION_ROUTES

        # personal_data: the account's and the organisations' part of a person's export and erasure.
        from . import mfa, personal_data, receivers, sso_views  # noqa: F401

        # Members an organisation's two-factor policy covers enrol before they reach its pages.
        member_gate(mfa.enrolment_gate)
        user_logged_in.connect(receivers.remember_mfa_requirement, dispatch_uid="accounts.mfa_requirement")

        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="accounts.record_sign_in")
        # The organisations' audit trails: sign-ins, failures and second factors.
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_login_failed

        from . import audit

        user_logged_in.connect(audit.signed_in, dispatch_uid="accounts.audit.signed_in")
        user_login_failed.connect(audit.sign_in_failed, dispatch_uid="accounts.audit.sign_in_failed")
        mfa_signals.authenticator_used.connect(audit.second_factor_used, dispatch_uid="accounts.audit.mfa")
        mfa_signals.authentication_failed.connect(
            audit.second_factor_failed, dispatch_uid="accounts.audit.mfa_failed"
        )
        # An invitee of an organisation that requires single sign-on joins through its IdP.
        if sso_views.invitation_through_sso not in INVITATION_ROUTES:
            INVITATION_ROUTES.append(sso_views.invitation_through_sso)
        # allauth's own signal: it carries the social login, and comes after the session was cycled.
        allauth_signals.user_logged_in.connect(
            receivers.scope_single_sign_on, dispatch_uid="accounts.scope_single_sign_on"
        )
        user_logged_out.connect(receivers.forget_sign_out, dispatch_uid="accounts.forget_sign_out")
        access_ended.connect(receivers.sign_out_when_access_ends, dispatch_uid="accounts.sign_out")
        post_save.connect(
            receivers.end_access_of_deactivated_account,
            sender=self.get_model("User"),
            dispatch_uid="accounts.end_access_of_deactivated_account",
        )

        # SAML 2.0: the SAML runtime builds allauth's app for an organisation's SAML IdentityProvider.
        from . import saml, social_adapter
        from .models import IdentityProvider

        social_adapter.APP_BUILDERS[IdentityProvider.Protocol.SAML] = saml.build_app
