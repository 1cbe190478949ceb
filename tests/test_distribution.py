"""Every unique constraint and foreign key that does not include the organisation, each with its reason.

Citus distributes a table by a column (``organization_id`` here) and then requires that column in every
unique index and in every foreign key between distributed tables; a table without it is a *reference
table*, copied to every node. This test lists every constraint that would stand in the way, so that a
new one is a decision, written down below, and distribution stays a migration rather than a redesign.
"""

from django.apps import apps
from django.db import models

PROJECT_APPS = {
    "organizations",
    "accounts",
    "notifications",
    "programmes",
    "pairing",
    "mentoring_sessions",
    "surveys",
    "dashboards",
}

# Why each exception is safe, by kind.
GLOBAL_USER = (
    "accounts.User is global (one person may belong to several organisations): a Citus reference table, "
    "which a distributed table may reference on its id alone."
)
CO_LOCATED = (
    "both rows belong to the same organisation (created inside its tenant context, and tenant-scoped "
    "managers never join across): under Citus the key becomes (organization_id, id) on co-located tables."
)
SCOPED_BY_PARENT = (
    "its parent row (programme, pair, participant, response) belongs to one organisation, so the "
    "constraint is already per organisation; under Citus organization_id is prepended to the index, "
    "which allows and forbids exactly the same rows."
)
GLOBAL_TABLE = (
    "a global table with no organisation (a Citus reference table): its uniqueness is global by design."
)
AUTH_M2M = "Django's own auth tables, global like the user (reference tables)."

EXCEPTIONS = {
    # Unique constraints and unique columns without organization_id.
    "unique accounts.EmailDomain(domain)": (
        "deliberately global: a confirmed domain sends its sign-ups to ONE organisation. Under Citus the "
        "confirmed domains move to a small reference table that keeps this uniqueness."
    ),
    "unique accounts.SignedInSession(session_key)": GLOBAL_TABLE,
    "unique accounts.User(email)": GLOBAL_TABLE + " A person signs in once, whatever their organisations.",
    "unique organizations.Organization(slug)": (
        "the organisation itself: its slug is the URL prefix of every tenant page, unique across all. "
        "The organisations table is a reference table (or distributed by its own id)."
    ),
    "unique pairing.MatchingRound(programme, number)": SCOPED_BY_PARENT,
    "unique pairing.MatchingSettings(programme)": SCOPED_BY_PARENT,
    "unique pairing.Pair(programme, mentee)": SCOPED_BY_PARENT,
    "unique pairing.PairingRule(programme, mentor, mentee)": SCOPED_BY_PARENT,
    "unique programmes.Participant(programme, user)": SCOPED_BY_PARENT,
    "unique programmes.MentorOutcome(participant)": SCOPED_BY_PARENT,
    "unique programmes.OutcomeBaseline(programme)": SCOPED_BY_PARENT,
    "unique mentoring_sessions.Endorsement(pair)": SCOPED_BY_PARENT,
    "unique programmes.ParticipantSkill(participant, skill)": SCOPED_BY_PARENT,
    "unique surveys.Answer(response, question)": SCOPED_BY_PARENT,
    "unique surveys.Answer(response, question, skill)": SCOPED_BY_PARENT,
    "unique surveys.SkillProgress(participant, skill)": SCOPED_BY_PARENT,
    "unique surveys.SurveyTemplate(programme, phase, moment, audience)": SCOPED_BY_PARENT,
    "unique surveys.Answer(response, question, option)": SCOPED_BY_PARENT,
    "unique surveys.Question(template, version, identity)": SCOPED_BY_PARENT,
    "unique surveys.SurveyVersion(template, number)": SCOPED_BY_PARENT,
    "unique programmes.Programme_objectives(programme, objective)": (
        "Django's automatic through table has no organization_id: before distribution it becomes an "
        "explicit through model (a TenantModel), both FKs co-located."
    ),
    "fk programmes.Programme_objectives.programme -> programmes.Programme": (
        "the automatic through table, as above: it gains organization_id with its explicit model."
    ),
    "fk programmes.Programme_objectives.objective -> programmes.Objective": (
        "the automatic through table, as above: it gains organization_id with its explicit model."
    ),
    "unique mentoring_sessions.Goal_skills(goal, skill)": (
        "Django's automatic through table has no organization_id: before distribution it becomes an "
        "explicit through model (a TenantModel), both FKs co-located."
    ),
    "fk mentoring_sessions.Goal_skills.goal -> mentoring_sessions.Goal": (
        "the automatic through table, as above: it gains organization_id with its explicit model."
    ),
    "fk mentoring_sessions.Goal_skills.skill -> programmes.Skill": (
        "the automatic through table, as above: it gains organization_id with its explicit model."
    ),
    "unique mentoring_sessions.PrivateNote(session, author)": SCOPED_BY_PARENT,
    "unique mentoring_sessions.CohortAttendance(cohort_session, participant)": SCOPED_BY_PARENT,
    "unique mentoring_sessions.CohortSession(uid)": (
        "a cohort session's iCalendar UID, a random UUID like Session.uid: unique by construction."
    ),
    "unique mentoring_sessions.Session(uid)": (
        "a random UUID (the iCalendar UID), unique by construction: under Citus the index becomes "
        "(organization_id, uid) and forbids nothing less in practice."
    ),
    "unique mentoring_sessions.RecurringSlot(uid)": (
        "the weekly slot's iCalendar UID, a random UUID like Session.uid: unique by construction."
    ),
    "unique mentoring_sessions.CalendarFeed(token)": (
        "the secret in a calendar feed URL, which carries no organisation: the lookup must find the "
        "token first. Under Citus the tokens move to a reference table mapping token to organisation."
    ),
    "unique accounts.User_groups(user, group)": AUTH_M2M,
    "unique accounts.User_user_permissions(user, permission)": AUTH_M2M,
}


def _label(model):
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _unique_sets(model):
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            yield (field.name,)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield tuple(constraint.fields)
    yield from (tuple(fields) for fields in model._meta.unique_together)


def _models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy and model._meta.managed:
            yield model


def _found():
    found = {}
    for model in _models():
        for fields in _unique_sets(model):
            if "organization" not in fields:
                found[f"unique {_label(model)}({', '.join(fields)})"] = model
        for field in model._meta.local_fields:
            target = field.related_model if field.is_relation else None
            if target is None or target._meta.label == "organizations.Organization":
                continue  # the organisation itself: it is the distribution key
            found[f"fk {_label(model)}.{field.name} -> {_label(target)}"] = (model, target)
    return found


def _is_tenant(model):
    return any(field.name == "organization" for field in model._meta.local_fields)


def _reason(key, value):
    """The written reason for an exception; a foreign key may instead fall in a kind that explains it."""
    if key in EXCEPTIONS or not key.startswith("fk "):
        return EXCEPTIONS.get(key)
    model, target = value
    if _label(target) == "accounts.User":
        return GLOBAL_USER
    if _is_tenant(model) and _is_tenant(target):
        return CO_LOCATED
    if not _is_tenant(model) and not _is_tenant(target):
        return GLOBAL_TABLE
    return None  # a tenant table and a global one, other than the user: decide, and write it down


def test_every_constraint_without_the_organisation_has_a_reason():
    unexplained = [key for key, value in sorted(_found().items()) if not _reason(key, value)]
    assert unexplained == [], "add each to EXCEPTIONS with why it does not block distribution"


def test_every_listed_exception_still_exists():
    assert sorted(set(EXCEPTIONS) - set(_found())) == []


def test_a_foreign_key_leaves_a_tenant_table_only_for_a_global_one():
    """Co-located keys join tenant to tenant; the only other targets are global reference tables."""
    for key, value in _found().items():
        if key.startswith("fk "):
            model, target = value
            if _is_tenant(model) and not _is_tenant(target):
                assert _label(target) in {"accounts.User"}, key


def test_the_listing_is_complete_and_printed(capsys):
    """The whole list, with the reason of each: ``pytest -s tests/test_distribution.py`` shows it."""
    found = _found()
    for key in sorted(found):
        reason = _reason(key, found[key])
        assert reason, key
        print(f"{key}: {reason}")
    assert len(found) >= len(EXCEPTIONS)
