"""The organisation's security pages, under /o/<slug>/security/ (HR admins: MANAGE_SECURITY)."""

from django.urls import path

from . import saml_views, sso_views

urlpatterns = [
    path("", sso_views.security_overview, name="security_overview"),
    path("sso/", sso_views.sso_settings, name="security_sso"),
    path("sso/domains/", sso_views.claim_domain, name="security_sso_claim_domain"),
    path(
        "sso/domains/<int:domain_id>/withdraw/",
        sso_views.withdraw_domain,
        name="security_sso_withdraw_domain",
    ),
    path("sso/test/", sso_views.test_connection, name="security_sso_test"),
    path("sso/saml/certificate/", saml_views.sp_certificate, name="security_sso_saml_certificate"),
]
