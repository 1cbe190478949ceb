from django.contrib import admin
from django.urls import include, path

from accounts import saml_views, sso_views
from accounts import views as account_views
from mentoring import views as platform_views
from notifications import views as notification_views
from organizations import views as organization_views
from sessions import views as session_views
from surveys import views as survey_views

organization_patterns = [
    path("", include("organizations.urls")),
    path("", include("programmes.urls")),
    path("matching/", include("pairing.urls")),
    path("my-matches/", include("pairing.participant_urls")),
    path("pairs/", include("sessions.urls")),
    path("", include("sessions.assistant_urls")),
    path("", include("sessions.cohort_urls")),
    path("", include("notifications.urls")),
    path("", include("surveys.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("security/", include("accounts.sso_urls")),
    path("security/mfa/", include("accounts.mfa_urls")),
    path("webhooks/", include("webhooks.urls")),
    path("security/scim/", include("scim.settings_urls")),
    path("security/api-keys/", include("api.key_urls")),
]

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("healthz", platform_views.health, name="health"),
    path("healthz/outbox", notification_views.outbox_health, name="outbox_health"),
    path("organisations/", organization_views.choose_organization, name="choose_organization"),
    path("invitations/<str:token>/", organization_views.accept_invitation, name="invitation_accept"),
    path("i18n/setlang/", account_views.switch_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    # Single sign-on: e-mail-first sign-in, staff break-glass, and allauth's OIDC callback behind a rate
    # limit (declared before allauth's own route so that it wins).
    path("accounts/sign-in/", sso_views.sign_in, name="sso_sign_in"),
    path("accounts/break-glass/", sso_views.break_glass, name="break_glass"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        sso_views.oidc_sso_callback,
        name="sso_oidc_callback",
    ),
    # SAML, at allauth's own paths: the SP metadata (it needs no IdP yet: the customer's IT imports it
    # first) and the ACS behind the SSO callbacks' rate limit.
    path("accounts/saml/<str:organization_slug>/metadata/", saml_views.sp_metadata, name="sso_saml_metadata"),
    path("accounts/saml/<str:organization_slug>/acs/", saml_views.acs, name="sso_saml_acs"),
    path("accounts/", include("allauth.urls")),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="notification_unsubscribe"),
    path("s/<str:token>/", survey_views.answer, name="survey_answer"),
    path("admin/", admin.site.urls),
    # SCIM 2.0 (RFC 7644): the directory's bearer token names the organisation.
    path("scim/v2/", include("scim.urls")),
    path("o/<slug:org_slug>/", include(organization_patterns)),
    path("api/", include("api.urls")),
    path("calendar/<str:token>.ics", session_views.calendar_feed, name="calendar_feed"),
]

# No route serves MEDIA_ROOT, even with DEBUG on: every upload goes out through an authenticated,
# organisation-scoped view (organizations/uploads.py).

# 403 and 404 use Django's handlers, which render templates/403.html and 404.html with the request (and
# so the navigation); the 500 page must not need the database.
handler500 = "mentoring.views.server_error"
