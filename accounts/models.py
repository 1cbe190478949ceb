from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.encryption import EncryptedTextField
from organizations.models import TIME_ZONE_CHOICES
from organizations.people import known_name
from organizations.roles import Role
from organizations.tenancy import TenantModel, unscoped
from organizations.validators import no_control_characters


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person's own account. Identified by e-mail; may belong to several organisations.

    Only the person edits it. Each organisation keeps its own record of the person's names
    (``organizations.Person``); inside an organisation, names read from that record.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    # Names reach e-mail subjects and calendar attendees: one line, nothing a header could break on.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[no_control_characters]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Paris"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")
    # Set when the person exercised their right to erasure: the row stays (their partners' session
    # history points to it) but holds nothing that identifies them.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        """The name as the current organisation knows it; the account's own name outside any."""
        if self.erased_at is not None:
            return gettext("Deleted user")
        names = known_name(self.pk) if self.pk else None
        if names is None:
            return super().get_full_name()
        return f"{names[0]} {names[1]}".strip()

    def get_short_name(self):
        if self.erased_at is not None:
            return gettext("Deleted user")
        names = known_name(self.pk) if self.pk else None
        return self.first_name if names is None else names[0]

    @property
    def own_name(self):
        """The account's name, as the person wrote it, whatever organisation is current."""
        if self.erased_at is not None:
            return gettext("Deleted user")
        return super().get_full_name()

    @property
    def own_display_name(self):
        """What the person sees of themselves in the menus: their account's name."""
        return self.own_name or self.email.split("@")[0]

    @property
    def display_name(self):
        return self.get_full_name() or self.email.split("@")[0]

    def delete(self, *args, **kwargs):
        # An account's rows are in every organisation it belongs to: the cascade (and SET_NULL) must see them
        # all, which PostgreSQL's row security allows only with the bypass on.
        with unscoped("deleting an account reaches its rows in every organisation"):
            return super().delete(*args, **kwargs)


class SignedInSession(models.Model):
    """A session a person signed in with, so that ending their access can sign them out of all of them.

    Only the key: which device or address it came from is not Binôme's business.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class IdentityProvider(TenantModel):
    """An organisation's own single sign-on: one identity provider (OIDC or SAML) and its policy.

    The organisation's HR or IT admin sets it up on the security pages; nothing is configured in the
    Django admin. ``accounts.social_adapter`` turns the row into the allauth ``SocialApp`` it needs.

    allauth sees the provider as ``provider_id`` (``idp-<pk>``), which is also what each linked
    ``SocialAccount.provider`` stores: the row's key, not the organisation's slug, so renaming the
    organisation's address keeps every identity linked. Deleting the provider and creating a new one
    gives a new id, so subjects asserted by the new IdP never match identities of the old one.
    """

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    class JoinPolicy(models.TextChoices):
        OFF = "off", _("Off: only members who already signed in with this provider")
        AS_ROLE = "as_role", _("Anyone the provider signs in joins with a role")
        INVITED = "invited", _("Only people already invited or imported")

    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices, default=Protocol.OIDC)
    name = models.CharField(
        _("name on the button"),
        max_length=100,
        validators=[no_control_characters],
        help_text=_("What people see on the sign-in button, for instance your company's name."),
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    # OpenID Connect
    server_url = models.URLField(
        _("issuer or discovery URL"),
        max_length=500,
        blank=True,
        help_text=_("The issuer, or its .well-known/openid-configuration address."),
    )
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    # Encrypted at rest (mentoring/encryption.py): the server sends it to the IdP, so it is read back.
    client_secret = EncryptedTextField(
        _("client secret"), max_length=500, blank=True, purpose="binome.accounts.oidc-client-secret"
    )
    # SAML 2.0 (the service provider's own key and certificate are kept with the SAML runtime)
    metadata_url = models.URLField(_("IdP metadata URL"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("IdP metadata"), blank=True)
    # Binôme's own SAML service-provider key pair for this organisation, made on first use
    # (accounts.saml): requests are signed with the key, the certificate is published in the SP metadata.
    # The key never leaves the server: no form, page or admin shows it.
    sp_private_key = EncryptedTextField(
        _("SP private key"), blank=True, editable=False, purpose="binome.accounts.saml-sp-key"
    )
    sp_certificate = models.TextField(_("SP certificate"), blank=True, editable=False)
    # Policy
    sso_required = models.BooleanField(
        _("single sign-on required"),
        default=False,
        help_text=_("Password sign-in is refused for addresses in the organisation's confirmed domains."),
    )
    jit = models.CharField(
        _("joining on first sign-in"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OFF
    )
    jit_role = models.CharField(_("role of people who join"), max_length=20, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="identity_provider_one_per_organization"),
            models.CheckConstraint(
                condition=models.Q(protocol__in=["oidc", "saml"]), name="identity_provider_protocol_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(jit__in=["off", "invited"]) | ~models.Q(jit_role=""),
                name="identity_provider_jit_role_named",
            ),
            models.CheckConstraint(
                condition=models.Q(jit_role="") | models.Q(jit_role__in=Role.values),
                name="identity_provider_jit_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_protocol_display()})"

    @property
    def provider_id(self) -> str:
        return f"idp-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.jit == self.JoinPolicy.AS_ROLE and not self.jit_role:
            errors["jit_role"] = _("Choose the role people join with.")
        if self.enabled and self.protocol == self.Protocol.OIDC:
            for field in ("server_url", "client_id"):
                if not getattr(self, field):
                    errors[field] = _("Required to turn OpenID Connect on.")
        if (
            self.enabled
            and self.protocol == self.Protocol.SAML
            and not (self.metadata_url or self.metadata_xml)
        ):
            errors["metadata_url"] = _("Give the IdP's metadata URL or upload its metadata file.")
        if errors:
            raise ValidationError(errors)


class EmailDomain(TenantModel):
    """An e-mail domain an organisation claims; platform staff confirm it before it routes anyone.

    Once confirmed, a domain belongs to one organisation only: it decides where the e-mail-first sign-in
    sends an address and which addresses "SSO required" keeps away from passwords.
    """

    domain = models.CharField(_("domain"), max_length=253)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "domain"], name="email_domain_once_per_organization"
            ),
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(confirmed_at__isnull=False),
                name="email_domain_confirmed_once",
            ),
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="email_domain_lowercase"),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class BreakGlassSignIn(models.Model):
    """A platform staff member's password sign-in past "SSO required", kept for the audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("e-mail typed"))
    reason = models.TextField(_("reason"))
    signed_in_at = models.DateTimeField(_("signed in at"), auto_now_add=True)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("break-glass sign-in")
        verbose_name_plural = _("break-glass sign-ins")

    def __str__(self) -> str:
        return f"{self.email} · {self.signed_in_at:%Y-%m-%d %H:%M}"


class MfaReset(TenantModel):
    """An organisation's HR admin removed a member's second factors (a lost phone, a broken key).

    The account is the person's and shared by every organisation they belong to: the row says which
    organisation did it, and who, so the person and the other organisations can tell.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, validators=[no_control_characters])
    authenticators_removed = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("two-factor reset")
        verbose_name_plural = _("two-factor resets")

    def __str__(self):
        return f"{self.member_id} · {self.created_at:%Y-%m-%d %H:%M}"
