import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import audit, uploads
from .roles import Role
from .tenancy import TenantModel, unscoped
from .validators import no_control_characters

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]

brand_colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class MfaPolicy(models.TextChoices):
    """Which members of an organisation must protect their account with a second factor."""

    NOBODY = "nobody", _("Nobody (optional for everyone)")
    HR_ADMINS = "hr_admins", _("HR admins")
    HR_ADMINS_AND_EXECUTIVES = "hr_admins_executives", _("HR admins and executives")
    EVERYONE = "everyone", _("Everyone")

    @classmethod
    def roles_covered(cls, policy: str) -> frozenset[str]:
        """The roles whose holders must enrol under ``policy``."""
        return MFA_POLICY_ROLES.get(policy, frozenset())

    @classmethod
    def requires(cls, policy: str, roles: "frozenset[str] | set[str]") -> bool:
        return bool(cls.roles_covered(policy) & set(roles))


MFA_POLICY_ROLES: dict[str, frozenset[str]] = {
    MfaPolicy.NOBODY: frozenset(),
    MfaPolicy.HR_ADMINS: frozenset({Role.HR_ADMIN}),
    MfaPolicy.HR_ADMINS_AND_EXECUTIVES: frozenset({Role.HR_ADMIN, Role.EXECUTIVE}),
    MfaPolicy.EVERYONE: frozenset(Role.values),
}


class Organization(models.Model):
    """A customer company: the tenant. Every tenant-owned row points to one."""

    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    default_language = models.CharField(
        _("default language"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Paris"
    )
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, blank=True, validators=[brand_colour_validator]
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=uploads.RandomName("logos/", uploads.LOGO.name),
        blank=True,
        validators=[uploads.validate_logo],
        help_text=_(
            "PNG, JPEG, GIF or WebP; it is redrawn as PNG. Shown only to the organisation's members."
        ),
    )
    minimum_group_size = models.PositiveSmallIntegerField(
        _("smallest group reported"),
        default=5,
        help_text=_("Dashboards hide any figure computed over fewer people than this."),
    )
    mfa_required_for = models.CharField(
        _("two-factor authentication required for"),
        max_length=24,
        choices=MfaPolicy.choices,
        default=MfaPolicy.NOBODY,
        help_text=_(
            "Members who hold one of these roles must add an authenticator app or a security key before "
            "they can open the organisation's pages."
        ),
    )
    audit_retention_months = models.PositiveSmallIntegerField(
        _("audit trail kept for (months)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(settings.AUDIT_RETENTION_MIN_MONTHS),
            MaxValueValidator(settings.AUDIT_RETENTION_MAX_MONTHS),
        ],
        help_text=_("Events older than this are deleted. Empty: Binôme's default."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mfa_required_for__in=MfaPolicy.values),
                name="organization_mfa_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(audit_retention_months__isnull=True)
                | models.Q(
                    audit_retention_months__gte=settings.AUDIT_RETENTION_MIN_MONTHS,
                    audit_retention_months__lte=settings.AUDIT_RETENTION_MAX_MONTHS,
                ),
                name="organization_audit_retention_in_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        # The cascade reads and deletes every row the organisation owns: under PostgreSQL's row security
        # it sees none of them unless the bypass is on, and the rows would be left to break the foreign keys.
        with unscoped("deleting an organisation deletes every row it owns"):
            return super().delete(*args, **kwargs)

    @property
    def audit_retention_days(self) -> int:
        """How many days the organisation's audit events are kept (its months, or the platform default)."""
        if self.audit_retention_months is None:
            return int(settings.AUDIT_RETENTION_DAYS)
        return round(self.audit_retention_months * 365 / 12)

    def clean(self) -> None:
        if self.minimum_group_size is not None and self.minimum_group_size < 2:
            raise ValidationError({"minimum_group_size": _("Groups of fewer than 2 people identify them.")})


def person_record() -> "models.ForeignObject[Person | None, Person | None]":
    """The organisation's record of a row's person: no column, a join on (organisation, user), so a list
    can ``select_related("person")`` and order by the names the organisation holds."""
    return models.ForeignObject(
        "organizations.Person",
        on_delete=models.DO_NOTHING,
        from_fields=["organization", "user"],
        to_fields=["organization", "user"],
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )


class Membership(TenantModel):
    """One role a person holds in an organisation; several roles are several rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    person = person_record()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="membership_unique_role_per_user"
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Person(TenantModel):
    """What one organisation knows about a person: the names its HR typed, or that the person gave it.

    The account (``accounts.User``) is the person's own and global; this row is the organisation's. HR
    edits it, imports write it, and the organisation's pages, exports, e-mails and matching show it, so
    that adding an address that already has an account elsewhere neither reveals nor changes anything.
    Job title, department, location and manager are per programme, on ``programmes.Participant``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_records"
    )
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[no_control_characters]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="person_once_per_organization"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.user.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from .people import forget_names

        forget_names()


class Invitation(TenantModel):
    """An HR admin's invitation of an e-mail address to the organisation with a role."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email", "role"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AuditEvent(TenantModel):
    """One entry of the organisation's audit trail (``organizations.audit``): append-only."""

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=audit.Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_kind = models.CharField(_("acting as"), max_length=20, choices=audit.ActorKind.choices)
    # The address (or a token's name) as it was: the trail stays readable after an account is erased.
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=254, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organization", "-occurred_at"], name="audit_org_recent"),
            models.Index(fields=["organization", "action", "-occurred_at"], name="audit_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Audit events are append-only: they are never changed")
        super().save(*args, **kwargs)
