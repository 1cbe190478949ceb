"""Binôme settings: everything that differs between machines comes from the environment.

Unset variables give a safe local default: SQLite, no broker server (Celery runs tasks eagerly),
e-mails printed to the console. Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY.
"""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-key-only-for-development-never-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "mentoring.views.csrf_failure"  # the layout's translated page, not Django's bare one
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin, each page of it unscoped for platform staff (organizations/admin_site.py).
    "organizations.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    # Two-factor authentication (issue 13): TOTP apps, recovery codes, WebAuthn passkeys and security keys.
    "allauth.mfa",
    "django.contrib.humanize",  # allauth.mfa's security-key list says "last used 2 hours ago"
    # Single sign-on per organisation (issue 13): allauth's social accounts, apps built from each
    # organisation's IdentityProvider by accounts.social_adapter; OpenID Connect, and SAML 2.0 through
    # allauth's provider (python3-saml, with Debian's libxmlsec1).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "accounts",
    "organizations",
    "programmes",
    "pairing",
    "sessions.apps.SessionsConfig",
    "notifications",
    "surveys",
    "webhooks",
    # SCIM 2.0 provisioning from the organisation's directory (issue 14), at /scim/v2/.
    "scim",
    "dashboards",
    # The REST API (issue 14): DRF views under /api/v1/, the OpenAPI schema and its docs pages served locally.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every error under /api/ as an RFC 9457 problem, those Django answers before any view included.
    "api.problems.ProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail knows the request: sign-ins recorded once the flow is over, staff's reads noted.
    "accounts.audit.AuditMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    # After SessionMiddleware: a session ended during its own request is flushed, not saved (h13-access).
    "accounts.middleware.EndedSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Innermost: with DEBUG on, the product's 404 page instead of Django's technical one.
    "mentoring.middleware.ProductNotFoundMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.current_organization",
                "accounts.context_processors.sign_up",
            ],
            # {% load l10n_binome %}: percent, and localized for content HR writes in two languages.
            # {% load layout %}: the footer, rendered once per process and language (mentoring/layout.py).
            "libraries": {"l10n_binome": "mentoring.l10n", "layout": "mentoring.layout"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with SQLite's real limit of parameters per statement: bulk writes stay whole.
    DATABASES["default"]["ENGINE"] = "mentoring.sqlite3"
    # Tests use an in-memory database, as with Django's own backend. Said explicitly because
    # pytest-django recognises SQLite by the stock engine name only: with ours it would give each xdist
    # worker a file "test_<path>_gw0" in a directory that does not exist.
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, stating each statement's organisation for row-level security (docs/row-security.md).
    DATABASES["default"]["ENGINE"] = "organizations.postgresql"
    # The application's role owns no table, so that row security applies to it; migrations and test
    # databases connect as the tables' owner instead. Unset, the DATABASE_URL role does everything.
    DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
    if DATABASE_OWNER_URL:
        _owner = env.db_url_config(DATABASE_OWNER_URL)
        DATABASES["default"]["OWNER"] = {key: _owner.get(key) for key in ("USER", "PASSWORD", "HOST", "PORT")}
# Persistent connections: opening a PostgreSQL connection per request cost 6x on a bare view. The health
# check makes a connection that the server dropped (restart, idle timeout) reconnect at the next request
# instead of failing it. SQLite opens a file, nothing to keep.
_IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if _IS_SQLITE else 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A Redis that hangs must not hang the pages that read the cache (sign-in's rate limits) either.
    CACHES = {
        "default": {
            # Reads miss and writes are dropped while Redis is away (mentoring/cache.py).
            "BACKEND": "mentoring.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # One process locally: an in-memory cache is enough for allauth's rate limits.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SCIM requests per provisioning token (scim/protocol.py), counted in the same cache: an Entra ID or Okta
# initial sync of thousands of people stays well under it; a directory looping on an error does not.
SCIM_RATE_LIMIT = env.str("SCIM_RATE_LIMIT", default="1200/minute")

# The REST API (api/): bearer keys only, JSON in and out, errors as RFC 9457 problems, per-key rate limits
# counted in the cache above (so shared by every gunicorn worker when Redis is configured).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_RATE_LIMIT", default="600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Binôme API",
    "DESCRIPTION": (
        "Read an organisation's programmes, participants, pairs, sessions and figures; enrol participants. "
        "Authenticate with an API key (`Authorization: Bearer bnm_…`) that HR creates under Security › API "
        "keys. Errors are `application/problem+json` (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {},
}

# The dashboard's figures are kept this long per organisation and filter (the page says how old they are);
# any change to the rows under them replaces them sooner (dashboards/cache.py).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

# The pair page's and HR's participants list's own content is kept until a write to what it shows
# (organizations/pagecache.py), at most this long. Only with a cache that every process shares: with the
# in-memory default, a worker's writes would not reach the web server's copy.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(REDIS_URL))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's password backends, refusing passwords where "SSO required" (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
SITE_ID = 1

# django-allauth: e-mail is the identifier, and it must be verified before signing in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Binôme] "
# Accounts come from invitations, imports and single sign-on: a stranger cannot create one unless this is
# on (a demo or a trial site). The social adapter decides SSO's just-in-time accounts on its own.
PUBLIC_SIGNUP = env.bool("PUBLIC_SIGNUP", default=False)
# Sign-up, password reset and sign-in answer the same whether an address has an account or not (allauth's
# default, spelt out because tests/accounts/test_enumeration.py relies on it).
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits, counted in the cache (Redis in production, so every gunicorn worker shares them). "ip" is
# the client's address: behind a reverse proxy, set ALLAUTH_TRUSTED_PROXY_COUNT or every visitor shares
# the proxy's. Beyond a limit the person gets templates/429.html; too many failed sign-ins for one address
# is said on the sign-in form. tests/accounts/test_rate_limits.py pins each of them.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Confirming the password again, before a second factor is added or removed among others.
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Single sign-on (accounts/sso_views.py): the e-mail-first step, the IdP's callback, break-glass.
    "sso_email_first": "20/m/ip",
    "sso_callback": "30/m/ip",
    "break_glass": "10/h/ip,5/h/key",
}
# Two-factor authentication (allauth.mfa). Which members must enrol is each organisation's policy
# (Organization.mfa_required_for, enforced by accounts.mfa); the machinery is allauth's.
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# A passkey alone signs a person in (a passkey is possession and user verification in one).
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Binôme"
# WebAuthn ties a credential to the host: only https, or http://localhost, are secure contexts.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# A wrong TOTP or recovery code counts as a failed sign-in on a per-person key (ACCOUNT_RATE_LIMITS
# "login_failed": 5 in 5 minutes), so a six-digit code cannot be walked. Passwordless passkey sign-ins,
# where there is no person to key on yet, are limited per address.
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# Single sign-on: accounts.sso decides who an IdP's assertion signs in. An e-mail claim never signs into
# an existing account by itself; identities are matched on (provider, subject) only.
SOCIALACCOUNT_ADAPTER = "accounts.social_adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# The server fetches what HR types on the SSO page (an OpenID issuer's discovery document and endpoints, a
# SAML metadata URL): to public addresses only (mentoring/outbound.py), unless the identity provider lives
# on the company's own network (ADFS on the intranet), or on a developer's machine.
SSO_ALLOW_PRIVATE_NETWORKS = env.bool("SSO_ALLOW_PRIVATE_NETWORKS", default=False)
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# Our catalogues come before every installed library's: Django lets the first catalogue that has a msgid
# win, and allauth's or Django's own French ("Changer", "Sessions") must not replace the wording of our
# glossary. tests/test_translations.py checks that every one of our translations is what a page shows.
LOCALE_PATHS = [BASE_DIR / "locale", *sorted(BASE_DIR.glob("*/locale"))]
# One date and number style per purpose and language (mentoring/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["mentoring.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads on the local disk by default (MEDIA_ROOT). Past one machine, web replicas cannot share a disk:
# AWS_STORAGE_BUCKET_NAME (with AWS_S3_ENDPOINT_URL for any S3-compatible server, and the standard
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) puts them in a private bucket instead. Files still go out
# only through the authenticated, organisation-scoped views, streamed from the bucket: the bucket is
# never public, and the short signed URLs django-storages makes are not handed to browsers (docs/scaling.md).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            # Stored names are random already (uploads.RandomName); never overwrite one silently.
            "file_overwrite": False,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        },
    }
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Uploads are checked in organizations/uploads.py and served only by authenticated views, never from MEDIA_URL.
RESOURCE_UPLOAD_MAX_BYTES = env.int("RESOURCE_UPLOAD_MAX_MB", default=10) * 1024 * 1024
LOGO_UPLOAD_MAX_BYTES = env.int("LOGO_UPLOAD_MAX_MB", default=2) * 1024 * 1024
# Pixels are what decoding costs (4 bytes each): a small PNG can declare billions of them.
LOGO_MAX_PIXELS = env.int("LOGO_MAX_PIXELS", default=10_000_000)

# E-mail: printed to the console unless EMAIL_URL (smtp://user:pass@host:587/?tls=True) is set.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A relay that accepts the connection and never answers must not hold a worker and its row locks: every
# SMTP operation gives up after this many seconds, and the row is retried later.
EMAIL_TIMEOUT = EMAIL_CONFIG.get("EMAIL_TIMEOUT") or env.int("EMAIL_TIMEOUT", default=20)
# A relay down for an hour is an ordinary day: an e-mail is retried for this long (not a number of
# attempts), every few minutes at most, before it is given up and shown to HR as failed.
OUTBOX_RETRY_HOURS = env.float("OUTBOX_RETRY_HOURS", default=24)
OUTBOX_BACKOFF_CAP_SECONDS = env.int("OUTBOX_BACKOFF_CAP_SECONDS", default=300)
# A relay down for everyone (refused, silent, 4xx to every transaction) pauses the outbox rather than
# burning every row's retries: one probe e-mail per step, the steps doubling from 10 s up to this cap, so
# sending resumes within about this long (plus beat's minute) of the relay's return.
OUTBOX_PROBE_CAP_SECONDS = env.int("OUTBOX_PROBE_CAP_SECONDS", default=60)
# A row claimed for sending whose worker vanished (killed mid-send) goes back to the queue after this
# long. Keep it above CELERY_TASK_TIME_LIMIT: no live task holds a claim longer than that.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=600)
# /healthz/outbox answers 503 once the oldest due e-mail has waited longer than this, and staff are
# e-mailed (OUTBOX_ALERT_EMAILS, ADMINS' by default), again every OUTBOX_ALERT_REPEAT_MINUTES while it lasts.
OUTBOX_LAG_ALERT_SECONDS = env.int("OUTBOX_LAG_ALERT_SECONDS", default=900)
ADMINS = [("", address) for address in env.list("ADMINS", default=[])]
OUTBOX_ALERT_EMAILS = env.list("OUTBOX_ALERT_EMAILS", default=[address for _name, address in ADMINS])
OUTBOX_ALERT_REPEAT_MINUTES = env.int("OUTBOX_ALERT_REPEAT_MINUTES", default=60)
# The relay the alert goes through, if not EMAIL_URL's: the outbox lags most often because its relay is down,
# and an alert through that same relay would wait with it.
OUTBOX_ALERT_EMAIL_URL = env.str("OUTBOX_ALERT_EMAIL_URL", default="")
# Rows of another channel (webhooks) are delivered in batches of at most this long, then a fresh task
# takes over: a queue of slow receivers never holds a worker for long.
OUTBOX_CHANNEL_BATCH_SECONDS = env.int("OUTBOX_CHANNEL_BATCH_SECONDS", default=30)

# Webhooks: each delivery is a POST that gives up after this many seconds (and is retried with backoff).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5)
# Endpoints on loopback, private, link-local or otherwise internal addresses are refused (at registration
# and at every delivery), and plain http with them: a webhook must never reach into our own network. Only
# a development machine or a test turns this on.
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=False)
# After a secret is rotated, deliveries carry a signature with the old secret as well for this long, so
# that the receiver can switch without losing a delivery.
WEBHOOKS_PREVIOUS_SECRET_HOURS = env.int("WEBHOOKS_PREVIOUS_SECRET_HOURS", default=24)

EMAIL_SUBJECT_PREFIX = "[Binôme] "
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Binôme <no-reply@binome.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no REDIS_URL, tasks run eagerly in the web process so no broker server is needed.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# No task may run for ever (a hung server, a lock): the soft limit lets it roll back cleanly first.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A request publishes its tasks after its commit; the rows are already safe, and the dispatcher sends them
# anyway if the publish fails. So a broker that is away costs the request little: a refused connection
# fails in a fraction of a second, one that hangs (Redis accepts and never answers) after
# BROKER_SOCKET_TIMEOUT seconds, with one retry instead of Celery's three (and its unbounded socket wait).
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=2)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    # Above the worker's one-second BRPOP, which must not time out while it waits for work.
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Named queues, each with its own workers (docker-compose: one service per queue, scaled by replicas), so
# that a large import or a slow task never waits in front of a reminder. The names come from the
# environment so that a test (or a second stack on the same Redis) can run on queues of its own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="default")
CELERY_EMAIL_QUEUE = env.str("CELERY_EMAIL_QUEUE", default="email")
CELERY_IMPORTS_QUEUE = env.str("CELERY_IMPORTS_QUEUE", default="imports")
CELERY_WEBHOOKS_QUEUE = env.str("CELERY_WEBHOOKS_QUEUE", default="webhooks")
CELERY_TASK_ROUTES = {
    # Everything that sends a reminder, an invitation or a nudge: latency matters, each task is short.
    "notifications.tasks.process_organization": {"queue": CELERY_EMAIL_QUEUE},
    "notifications.tasks.deliver_notifications": {"queue": CELERY_EMAIL_QUEUE},
    "notifications.tasks.plan_organization": {"queue": CELERY_EMAIL_QUEUE},
    "organizations.tasks.send_invitation_email": {"queue": CELERY_EMAIL_QUEUE},
    "sessions.tasks.send_session_invitations": {"queue": CELERY_EMAIL_QUEUE},
    "dashboards.tasks.send_nudge_email": {"queue": CELERY_EMAIL_QUEUE},
    # Webhook deliveries: a POST to a customer's server, which may be slow; never in front of an e-mail.
    "notifications.tasks.deliver_channel": {"queue": CELERY_WEBHOOKS_QUEUE},
    # Bulk work on whole files of people: long, and allowed to be.
    "programmes.tasks.*": {"queue": CELERY_IMPORTS_QUEUE},
    # The rest (the dispatcher's scan, rotations, periodic planning) goes to CELERY_TASK_DEFAULT_QUEUE.
}
# Beat must run as ONE process; this scheduler also makes a second one harmless (mentoring/beat.py).
CELERY_BEAT_SCHEDULER = "mentoring.beat:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "pairing-open-due-rotation-rounds": {
        "task": "pairing.tasks.open_due_rotation_rounds",
        "schedule": 6 * 60 * 60,
    },
    # Due messages are rows: one cheap scan a minute sends them; planning of nudges and surveys hourly.
    "dispatch-notifications": {"task": "notifications.tasks.dispatch_notifications", "schedule": 60.0},
    # Staff hear of a lagging outbox by an e-mail that does not wait in it.
    "watch-outbox": {"task": "notifications.tasks.watch_outbox", "schedule": 60.0},
    "plan-periodic-notifications": {
        "task": "notifications.tasks.plan_periodic_notifications",
        "schedule": 3600.0,
    },
    "programmes-purge-old-imports": {"task": "programmes.tasks.purge_old_imports", "schedule": 24 * 60 * 60},
    "organizations-purge-audit-events": {
        "task": "organizations.tasks.purge_audit_events",
        "schedule": 24 * 60 * 60,
    },
}
# The audit trail: kept this long by default (an organisation's HR sets its own, within the bounds), then
# purged daily in batches, the only deletion audit events know.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
AUDIT_RETENTION_MIN_MONTHS = 1
AUDIT_RETENTION_MAX_MONTHS = 84
AUDIT_PURGE_BATCH = env.int("AUDIT_PURGE_BATCH", default=5000)
# An export of the trail holds at most this many events (newest first): the page says to narrow the period.
AUDIT_EXPORT_MAX_ROWS = env.int("AUDIT_EXPORT_MAX_ROWS", default=100_000)
# An uploaded participant file holds personal data: its rows are kept this long for the preview and the
# record of what was imported, then deleted (the participants themselves stay).
IMPORT_RETENTION_DAYS = env.int("IMPORT_RETENTION_DAYS", default=30)
# Participant files are refused, before they are parsed, beyond these limits: within them any file reads in
# a few seconds and a few hundred MB at most (bench/import.py), and a "spreadsheet bomb" is refused at once.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=150_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=2000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=30 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=200)
SURVEY_LINK_MAX_AGE_DAYS = env.int("SURVEY_LINK_MAX_AGE_DAYS", default=30)
SURVEY_REMINDER_AFTER_DAYS = env.int("SURVEY_REMINDER_AFTER_DAYS", default=4)

# Security. Local HTTP keeps the defaults off; production (DEBUG off behind TLS) turns them on.
SECURE_SSL = env.bool("SECURE_SSL", default=False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere: every asset is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# LOG_FORMAT=json writes one JSON object a line, extra fields as keys (the outbox's event, notification_id,
# key, kind, organization_id, attempt, error, reason): for a log collector. The default is plain text.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
        "json": {"()": "mentoring.logformat.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
