"""What the directory provisioned about a person, in their data export."""

from accounts import privacy

from .models import ScimIdentity, ScimToken


@privacy.export("directory_records", position=95, covers=[ScimIdentity])
def _directory_records(user):
    return list(ScimIdentity.objects.filter(user=user).order_by("created_at", "pk")), _record


def _record(identity):
    return {
        "user_name": identity.user_name,
        "external_id": identity.external_id,
        "display_name": identity.display_name,
        "title": identity.title,
        "department": identity.department,
        "employee_number": identity.employee_number,
        "emails": [entry.get("value") for entry in identity.emails],
        "active": identity.active,
        "created_at": identity.created_at,
        "updated_at": identity.updated_at,
    }


@privacy.held_in
def _organizations_with_directory_records(user):
    return ScimIdentity.objects.filter(user=user).values_list("organization_id", flat=True)


@privacy.erase
def _forget_directory_records(*, user, now):
    # The directory would provision the address again; its record of an erased person goes.
    ScimIdentity.objects.filter(user=user).delete()


privacy.not_exported(
    ScimToken,
    why="who in HR created a provisioning token is the organisation's record of its own configuration",
)
