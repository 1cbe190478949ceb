import pytest
from django.db import models

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import NoTenantError, TenantModel, tenant_context, tenant_models, unscoped
from tests.factories import MembershipFactory


def test_every_tenant_owned_model_carries_a_non_null_organisation():
    assert tenant_models(), "no tenant-owned model found"
    for model in tenant_models():
        field = model._meta.get_field("organization")
        assert isinstance(field, models.ForeignKey), model
        assert field.related_model._meta.label == "organizations.Organization", model
        assert not field.null, f"{model.__name__}.organization is nullable"


def test_every_model_with_a_foreign_key_to_a_tenant_model_is_tenant_owned():
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in {"organizations", "programmes", "pairing", "mentoring_sessions"}:
            continue
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete and issubclass(field.related_model, TenantModel):
                assert issubclass(model, TenantModel), f"{model.__name__} points to tenant data"


@pytest.mark.parametrize("model", tenant_models(), ids=lambda model: model.__name__)
def test_a_query_with_no_organisation_set_raises(model, db):
    with pytest.raises(NoTenantError):
        list(model.objects.all())


# Unique across organisations on purpose, each with why.
GLOBAL_UNIQUE = {
    # A confirmed e-mail domain decides where an address signs in: one organisation only.
    "email_domain_confirmed_once",
}


def test_every_unique_constraint_is_scoped_to_the_organisation():
    for model in tenant_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.UniqueConstraint) or constraint.name in GLOBAL_UNIQUE:
                continue
            # Fields, or expressions such as Lower("user_name"), "organization" (names given as F()).
            names = [*constraint.fields, *(e.name for e in constraint.expressions if isinstance(e, models.F))]
            scoped = any(
                name == "organization"
                or issubclass(model._meta.get_field(name).related_model or object, TenantModel)
                for name in names
            )
            assert scoped, f"{model.__name__}.{constraint.name} is unique across organisations"


def test_tenant_context_shows_only_that_organisations_rows(organization, other_organization):
    MembershipFactory(organization=organization, role=Role.MENTOR)
    MembershipFactory(organization=other_organization, role=Role.MENTOR)
    with tenant_context(organization):
        assert {m.organization_id for m in Membership.objects.all()} == {organization.pk}
    with tenant_context(other_organization):
        assert {m.organization_id for m in Membership.objects.all()} == {other_organization.pk}


def test_the_context_is_reset_after_the_block(organization):
    with tenant_context(organization):
        pass
    with pytest.raises(NoTenantError):
        Membership.objects.count()


def test_unscoped_access_needs_a_reason_and_sees_every_organisation(organization, other_organization):
    MembershipFactory(organization=organization)
    MembershipFactory(organization=other_organization)
    with pytest.raises(ValueError):
        with unscoped(""):
            pass
    with unscoped("test of the maintenance escape hatch"):
        assert Membership.objects.count() == 2
    with pytest.raises(NoTenantError):
        Membership.objects.count()


def test_saving_a_row_with_no_organisation_anywhere_raises(db, mentor_user):
    with pytest.raises(NoTenantError):
        Membership(user=mentor_user, role=Role.MENTOR).save()


def test_a_row_created_in_a_context_belongs_to_that_organisation(organization, mentor_user):
    with tenant_context(organization):
        membership = Membership.objects.create(user=mentor_user, role=Role.EXECUTIVE)
    assert membership.organization == organization


def test_tasks_run_in_the_organisation_they_are_given_and_reset_after(organization):
    from organizations.tasks import in_tenant
    from organizations.tenancy import current_organization

    seen = []

    @in_tenant
    def task_body(org):
        seen.append(current_organization())

    task_body(organization.pk)
    assert seen == [organization]
    assert current_organization() is None
