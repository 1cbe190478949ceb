from django.urls import reverse

from organizations.tenancy import tenant_context

from . import selectors, services


def seed_taxonomy(sender, organization, **kwargs):
    services.ensure_default_taxonomy(organization)


def pending_enrolment_url(sender, user, organization, **kwargs):
    """A newcomer invited to a programme lands on its enrolment page (they still choose to enrol)."""
    with tenant_context(organization):
        participant = selectors.first_pending_participation(user=user)
    if participant is None:
        return None
    return reverse("enrol", kwargs={"org_slug": organization.slug, "programme_id": participant.programme_id})
