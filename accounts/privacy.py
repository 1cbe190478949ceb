"""The privacy registry: what each app holds about a person, declared by that app, so that accounts builds
a person's export and erasure (``accounts.personal_data``) without importing the apps above it.

Each app registers its pieces in ``<app>/personal_data.py``, imported by its ``AppConfig.ready``:

- ``@export(key, position=…, covers=[…])``: ``load(user)`` returns ``(rows, entry)``: the person's rows in
  every organisation (each has ``organization_id``), read in a fixed number of queries (it runs unscoped,
  so every query filters on the person), and ``entry(row)``, the row's JSON entry. Entries are written
  inside the row's organisation, so people appear under the names it holds. ``key`` names the list in each
  organisation's part of the file; ``position`` orders those lists (part of the export format).
- ``@held_in``: ``organizations(user)``, the ids of organisations where the app holds rows of the person
  that a membership does not reveal (a former member's participations). Erasure visits those too.
- ``@leave(order=…)``: ``step(organization=, user=, reason=)``, run in each of the person's organisations
  before their access there ends, in ``order``. ``reason`` is the stored text HR and partners read.
- ``@erase``: ``step(user=, now=)``, run once, unscoped, after access ended everywhere. These steps are
  independent of each other.
- ``covered(models, by=…)`` and ``not_exported(model, why=…)``: for the test that every model pointing to a
  person is in the export, or says why it is not.

Two rules bind every piece: a partner's private notes and another person's answers are never read, and a
partner appears by name only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class ExportPiece:
    key: str
    position: int
    load: Callable


@dataclass(frozen=True)
class LeaveStep:
    order: int
    step: Callable


EXPORT_PIECES = {}
ORGANIZATION_HOLDERS = []
LEAVE_STEPS = []
ERASE_STEPS = []
# Model label -> the export list that holds its rows, or why its rows are not exported.
COVERAGE = {}


def export(key, *, position, covers):
    def register(load):
        EXPORT_PIECES[key] = ExportPiece(key=key, position=position, load=load)
        covered(covers, by=key)
        return load

    return register


def held_in(function):
    if function not in ORGANIZATION_HOLDERS:
        ORGANIZATION_HOLDERS.append(function)
    return function


def leave(*, order):
    def register(step):
        if all(entry.step is not step for entry in LEAVE_STEPS):
            LEAVE_STEPS.append(LeaveStep(order=order, step=step))
        return step

    return register


def erase(step):
    if step not in ERASE_STEPS:
        ERASE_STEPS.append(step)
    return step


def covered(models, *, by):
    for model in models:
        COVERAGE[model._meta.label] = f"exported in {by!r}"


def not_exported(model, *, why):
    COVERAGE[model._meta.label] = f"not exported: {why}"


def export_pieces():
    return sorted(EXPORT_PIECES.values(), key=lambda piece: piece.position)


def leave_steps():
    return [entry.step for entry in sorted(LEAVE_STEPS, key=lambda entry: entry.order)]


def uncovered_models():
    """Labels of the project's models with a relation to the user model that no piece declares."""
    user_model = get_user_model()
    uncovered = []
    for config in apps.get_app_configs():
        # The project's own apps sit next to manage.py (a virtualenv inside the project is not one).
        if Path(config.path).resolve().parent != Path(settings.BASE_DIR).resolve():
            continue
        for model in config.get_models():
            points_to_a_person = any(
                field.is_relation and field.concrete and field.related_model is user_model
                for field in model._meta.get_fields()
            )
            if points_to_a_person and model is not user_model and model._meta.label not in COVERAGE:
                uncovered.append(model._meta.label)
    return sorted(uncovered)
