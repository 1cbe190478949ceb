import itertools

from tests.factories import (
    CurriculumModuleFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ResourceFactory,
    SkillFactory,
    UserFactory,
)
from tests.isolation import FOREIGN_MARKER

_numbers = itertools.count(1)


def _programme(organization):
    programme = ProgrammeFactory(
        organization=organization,
        name=f"{FOREIGN_MARKER} programme {next(_numbers)}",
        description=FOREIGN_MARKER,
        charter=FOREIGN_MARKER,
        status="open",
    )
    return programme


def _programme_id(organization):
    return _programme(organization).pk


def _participant_id(organization):
    user = UserFactory(first_name=FOREIGN_MARKER, last_name=FOREIGN_MARKER)
    return ParticipantFactory(organization=organization, user=user, department=FOREIGN_MARKER).pk


def _resource_id(organization):
    return ResourceFactory(
        organization=organization, title=FOREIGN_MARKER, url=f"https://example.com/{FOREIGN_MARKER}"
    ).pk


def _import_id(organization):
    from organizations.tenancy import tenant_context
    from programmes.models import ParticipantImport

    with tenant_context(organization):
        return ParticipantImport.objects.create(
            programme=_programme(organization),
            filename=f"{FOREIGN_MARKER}.csv",
            headers=["email"],
            rows=[
                {"line": 2, "values": {"email": f"{FOREIGN_MARKER}@globex.example"}, "errors": []},
                {
                    "line": 3,
                    "values": {"email": FOREIGN_MARKER},
                    "errors": [FOREIGN_MARKER],
                    "cells": [FOREIGN_MARKER],
                },
            ],
        ).pk


SAMPLES = {
    "programme_id": _programme_id,
    "participant_id": _participant_id,
    "resource_id": _resource_id,
    "import_id": _import_id,
    "module_id": lambda organization: (
        CurriculumModuleFactory(
            organization=organization, title=FOREIGN_MARKER, objectives=FOREIGN_MARKER, agenda=FOREIGN_MARKER
        ).pk
    ),
    "skill_id": lambda organization: SkillFactory(organization=organization, name=FOREIGN_MARKER).pk,
}
