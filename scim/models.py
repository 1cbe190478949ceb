"""What the organisation's directory (Entra ID, Okta...) provisions: its tokens and its view of each person.

A person's account (``accounts.User``) is their own and global. What the directory says about them
(its login, its ids, department, title, manager, employee number) is this organisation's, so it lives
here and in the organisation's own records (``organizations.Person`` for names, the participations'
profiles for department, title and manager), never on the account.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from organizations.credentials import HashedCredential
from organizations.models import person_record
from organizations.tenancy import TenantModel
from organizations.validators import no_control_characters


class ScimToken(HashedCredential):
    """A bearer token the organisation's directory authenticates with at ``/scim/v2/``."""

    SECRET_PREFIX = "scim"

    class Meta(HashedCredential.Meta):
        verbose_name = _("provisioning token")
        verbose_name_plural = _("provisioning tokens")


class ScimIdentity(TenantModel):
    """One person as the organisation's directory knows them: the SCIM User resource.

    ``scim_id`` is the resource's id (a UUID, so that ids say nothing about other organisations' rows),
    ``external_id`` the directory's own. ``active`` false means deprovisioned: no membership is left, and
    ``suspended_roles`` keeps the roles (the groups) that a reactivation gives back. ``version`` is the
    ETag: it grows with every change.
    """

    scim_id = models.UUIDField(default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = person_record()
    user_name = models.CharField(_("user name"), max_length=254, validators=[no_control_characters])
    external_id = models.CharField(
        _("external id"), max_length=254, blank=True, validators=[no_control_characters]
    )
    display_name = models.CharField(
        _("display name"), max_length=254, blank=True, validators=[no_control_characters]
    )
    title = models.CharField(_("job title"), max_length=120, blank=True, validators=[no_control_characters])
    department = models.CharField(
        _("department"), max_length=120, blank=True, validators=[no_control_characters]
    )
    employee_number = models.CharField(
        _("employee number"), max_length=64, blank=True, validators=[no_control_characters]
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("manager")
    )
    # The addresses as the directory sent them ([{"value", "type", "primary"}]): the account's own address
    # is the person's and does not follow the directory's changes.
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    # The primary of those, in lower case: what ``emails.value eq`` filters on.
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    active = models.BooleanField(_("active"), default=True)
    suspended_roles = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("provisioned person")
        verbose_name_plural = _("provisioned people")
        indexes = [models.Index(fields=["organization", "email"], name="scim_identity_email")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scim_id"], name="scim_identity_id_per_organization"
            ),
            models.UniqueConstraint(fields=["organization", "user"], name="scim_identity_once_per_person"),
            # RFC 7643: userName is unique within the service provider, compared without case.
            models.UniqueConstraint(
                Lower("user_name"), "organization", name="scim_identity_user_name_per_organization"
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="scim_identity_external_id_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'
