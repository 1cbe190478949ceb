from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import TIME_ZONE_CHOICES
from organizations.people import known_name
from organizations.tenancy import TenantModel
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
