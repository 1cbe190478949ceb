"""What a person changes on their own account."""

from django.db import transaction

from organizations.services import share_own_name


@transaction.atomic
def save_preferences(*, form):
    """Save the person's account; a new name reaches the records of the organisations they belong to."""
    renamed = {"first_name", "last_name"} & set(form.changed_data)
    user = form.save()
    if renamed:
        share_own_name(user=user)
    return user
