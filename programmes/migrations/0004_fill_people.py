"""Give every organisation its own record of the names it shows, copied from today's accounts."""

from django.db import migrations


def copy_names_into_each_organisation(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("organizations", "Membership")
    Participant = apps.get_model("programmes", "Participant")
    Person = apps.get_model("organizations", "Person")
    pairs = set(Membership.objects.values_list("organization_id", "user_id"))
    pairs |= set(Participant.objects.values_list("organization_id", "user_id"))
    pairs -= set(Person.objects.values_list("organization_id", "user_id"))
    names = {
        user_id: (first_name, last_name)
        for user_id, first_name, last_name in User.objects.filter(
            pk__in={user_id for _org, user_id in pairs}
        ).values_list("pk", "first_name", "last_name")
    }
    Person.objects.bulk_create(
        [
            Person(
                organization_id=organization_id,
                user_id=user_id,
                first_name=names[user_id][0],
                last_name=names[user_id][1],
            )
            for organization_id, user_id in sorted(pairs)
        ],
        batch_size=1000,
    )


def copy_names_back_to_accounts(apps, schema_editor):
    """Going back: accounts whose own names are empty take one organisation's record."""
    User = apps.get_model("accounts", "User")
    Person = apps.get_model("organizations", "Person")
    for person in Person.objects.exclude(first_name="", last_name="").order_by("pk"):
        User.objects.filter(pk=person.user_id, first_name="", last_name="").update(
            first_name=person.first_name, last_name=person.last_name
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_erased_at"),
        ("organizations", "0002_person"),
        ("programmes", "0003_participant_person"),
    ]

    operations = [migrations.RunPython(copy_names_into_each_organisation, copy_names_back_to_accounts)]
