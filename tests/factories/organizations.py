"""The foundation: organisations, accounts, memberships, people records, invitations.

Tenant-owned rows are created inside their organisation's tenant context, as the app does.
"""

import factory
from factory.django import DjangoModelFactory

from organizations.models import Invitation, Membership, Organization, Person
from organizations.roles import Role
from organizations.tenancy import tenant_context

DEFAULT_PASSWORD = "binome-test-password-42"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    language = "en"
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class TenantFactory(DjangoModelFactory):
    """Base for every tenant-owned model: pass ``organization=`` (defaults to a new one)."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["organization"]):
            created = super()._create(model_class, *args, **kwargs)
            if model_class in _person_holders():
                # As in the app, a member has joined: the organisation knows them by their account's name.
                Person.objects.get_or_create(
                    organization=created.organization,
                    user=created.user,
                    defaults={"first_name": created.user.first_name, "last_name": created.user.last_name},
                )
            return created


def _person_holders():
    from programmes.models import Participant

    return (Membership, Participant)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MENTEE


class PersonFactory(TenantFactory):
    class Meta:
        model = Person
        django_get_or_create = ["organization", "user"]

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MENTOR


def member(organization, *roles, **user_fields):
    """A user holding ``roles`` in ``organization``."""
    user = UserFactory(**user_fields)
    for role in roles:
        MembershipFactory(organization=organization, user=user, role=role)
    return user
