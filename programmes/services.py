"""Programmes, their taxonomy and enrolment: the actions that change them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import both_languages
from organizations import audit, uploads
from organizations.services import record_person
from organizations.tenancy import tenant_context
from organizations.validators import no_control_characters

from .curriculum import DEFAULT_CURRICULUM
from .models import CurriculumModule, Objective, Participant, ParticipantSkill, Programme, Resource, Skill
from .signals import participant_enrolled, participant_withdrawn

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from organizations.models import Organization

# Marked for translation; seeded into an organisation in French and in English.
DEFAULT_SKILLS = [
    (
        gettext_noop("Social networks"),
        gettext_noop("LinkedIn, Instagram, TikTok: presence, tone, personal branding."),
    ),
    (
        gettext_noop("AI tools"),
        gettext_noop("Generative AI assistants, prompts, limits and good uses at work."),
    ),
    (
        gettext_noop("Collaborative tools"),
        gettext_noop("Teams, Slack, shared documents, whiteboards, async work."),
    ),
    (
        gettext_noop("Data literacy"),
        gettext_noop("Reading dashboards, spreadsheets, asking the right questions of data."),
    ),
    (
        gettext_noop("Cybersecurity hygiene"),
        gettext_noop("Passwords, phishing, two-factor authentication, privacy."),
    ),
    (gettext_noop("Video and content"), gettext_noop("Short videos, podcasts, visual storytelling.")),
    (
        gettext_noop("New work expectations"),
        gettext_noop("Flexibility, purpose, feedback, what younger colleagues expect."),
    ),
    (
        gettext_noop("Inclusion and diversity"),
        gettext_noop("Inclusive language, neurodiversity, generational differences."),
    ),
    (
        gettext_noop("Mobile apps and productivity"),
        gettext_noop("Smartphone workflows, note-taking, automation."),
    ),
    (gettext_noop("Agile methods"), gettext_noop("Sprints, stand-ups, retrospectives, test and learn.")),
]

DEFAULT_OBJECTIVES = [
    gettext_noop("Master new digital tools"),
    gettext_noop("Adopt innovative working methods"),
    gettext_noop("Communicate in a modern way"),
    gettext_noop("Understand the expectations of younger generations"),
    gettext_noop("Strengthen ties between generations"),
]

# Which move from which status makes sense; every other move is refused.
TRANSITIONS: dict[str, list[Programme.Status]] = {
    Programme.Status.DRAFT: [Programme.Status.OPEN],
    Programme.Status.OPEN: [Programme.Status.MATCHING, Programme.Status.DRAFT],
    Programme.Status.MATCHING: [Programme.Status.RUNNING, Programme.Status.OPEN],
    Programme.Status.RUNNING: [Programme.Status.CLOSED],
    Programme.Status.CLOSED: [],
}
# What the apps above programmes require before a programme runs (pairing: a pair to run with), since
# programmes cannot ask them. Each check takes the programme and says why it cannot start, or None.
START_REQUIREMENTS: list[Callable[[Programme], str | None]] = []
ENROLMENT_STATUSES = [Programme.Status.OPEN, Programme.Status.MATCHING, Programme.Status.RUNNING]


def ensure_default_taxonomy(organization: Organization) -> None:
    """Seed the default skills and objectives once, in French and English (each reader sees theirs,
    ``mentoring.l10n.localized``). Idempotent."""
    with tenant_context(organization):
        if not Skill.objects.exists():
            skills = []
            for name, description in DEFAULT_SKILLS:
                (name_fr, name_en), (description_fr, description_en) = map(
                    both_languages, (name, description)
                )
                skills.append(
                    Skill(
                        organization=organization,
                        name=name_fr,
                        name_en=name_en,
                        description=description_fr,
                        description_en=description_en,
                    )
                )
            Skill.objects.bulk_create(skills, ignore_conflicts=True)
        if not Objective.objects.exists():
            objectives = []
            for name in DEFAULT_OBJECTIVES:
                name_fr, name_en = both_languages(name)
                objectives.append(Objective(organization=organization, name=name_fr, name_en=name_en))
            Objective.objects.bulk_create(objectives, ignore_conflicts=True)


def _add_objectives(programme: Programme, new_objectives: Iterable[str]) -> None:
    for name in new_objectives:
        name = name.strip()[:200]
        if name:
            try:
                no_control_characters(name)
            except ValidationError as error:
                raise ValidationError({"new_objectives": error.messages}) from None
            objective, _created = Objective.objects.get_or_create(name=name)
            programme.objectives.add(objective)


@transaction.atomic
def save_programme(
    *, programme: Programme, objectives: Iterable[Objective] = (), new_objectives: Iterable[str] = ()
) -> Programme:
    """Create or update a programme from a validated form instance, with its objectives."""
    programme.full_clean(exclude=["organization"])
    programme.save()
    programme.objectives.set(objectives)
    _add_objectives(programme, new_objectives)
    return programme


def start_requirement(check: Callable[[Programme], str | None]) -> Callable[[Programme], str | None]:
    """Register ``check`` among what a programme needs before it runs (from an app's ``ready``)."""
    if check not in START_REQUIREMENTS:
        START_REQUIREMENTS.append(check)
    return check


def transition_refusal(programme: Programme, to_status: str) -> str | None:
    """Why the programme cannot move to ``to_status`` now, or None when it can."""
    if to_status not in Programme.Status.values:
        return gettext("Unknown status.")
    if to_status not in TRANSITIONS.get(programme.status, []):
        if programme.status == Programme.Status.CLOSED:
            return gettext("A closed programme cannot be reopened: duplicate it to start the next cohort.")
        return gettext("A programme cannot go from “%(current)s” to “%(target)s”.") % {
            "current": programme.get_status_display(),
            "target": Programme.Status(to_status).label,
        }
    enrolled = programme.participants.filter(status=Participant.Status.ENROLLED)
    if to_status == Programme.Status.OPEN and programme.status == Programme.Status.DRAFT:
        if not (programme.charter.strip() or programme.charter_en.strip()):
            return gettext("Write the charter first: participants accept it when they enrol.")
        if programme.end_date < timezone.localdate():
            return gettext("The programme has already ended: change its dates first.")
    if to_status == Programme.Status.DRAFT and programme.participants.exists():
        return gettext("People are already invited or enrolled: the programme cannot go back to draft.")
    if to_status == Programme.Status.MATCHING:
        roles = set(enrolled.values_list("role", flat=True))
        if Participant.Role.MENTOR not in roles or Participant.Role.MENTEE not in roles:
            return gettext("Matching needs at least one enrolled mentor and one enrolled mentee.")
    if to_status == Programme.Status.RUNNING:
        for requirement in START_REQUIREMENTS:
            refusal = requirement(programme)
            if refusal:
                return refusal
    return None


@transaction.atomic
def transition_programme(*, programme: Programme, to_status: str) -> Programme:
    """Move a programme to another status, or raise ValidationError saying why it makes no sense."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    refusal = transition_refusal(programme, to_status)
    if refusal:
        raise ValidationError(refusal)
    programme.status = to_status
    programme.save(update_fields=["status"])
    return programme


@transaction.atomic
def duplicate_programme(
    *, programme: Programme, name: str, start_date: datetime.date, end_date: datetime.date
) -> Programme:
    """Start the next cohort: same settings, charter, objectives and resources; no participants."""
    if Programme.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A programme with this name already exists.")})
    copy = Programme(
        name=name,
        description=programme.description,
        start_date=start_date,
        end_date=end_date,
        session_min_minutes=programme.session_min_minutes,
        session_max_minutes=programme.session_max_minutes,
        cadence_days=programme.cadence_days,
        rotation_months=programme.rotation_months,
        mentor_capacity=programme.mentor_capacity,
        charter=programme.charter,
        charter_en=programme.charter_en,
        scheduled_by=programme.scheduled_by,
        agenda_by=programme.agenda_by,
        status=Programme.Status.DRAFT,
    )
    copy.full_clean(exclude=["organization"])
    copy.save()
    copy.objectives.set(programme.objectives.all())
    Resource.objects.bulk_create(
        [
            Resource(
                organization=copy.organization,
                programme=copy,
                audience=resource.audience,
                title=resource.title,
                url=resource.url,
                file=resource.file.name,
                original_name=resource.original_name,
            )
            for resource in programme.resources.all()
        ]
    )
    _copy_modules(copy, programme.modules.all())
    return copy


def add_resource(
    *, programme: Programme, audience: str, title: str, url: str = "", file: UploadedFile | None = None
) -> Resource:
    """A link or an uploaded file for the programme; the file is checked on content (organizations.uploads)
    and stored under a random name, the person's name for it kept, cleaned, for display and download."""
    resource = Resource(
        programme=programme,
        audience=audience,
        title=title,
        url=url or "",
        file=file or "",
        original_name=uploads.clean_filename(file.name)[:255] if file else "",
    )
    if bool(resource.url) == bool(resource.file):
        raise ValidationError(_("Give either a link or a file."))
    resource.full_clean(exclude=["organization"])
    resource.save()
    return resource


def delete_resource(*, resource: Resource) -> None:
    if resource.file and not _file_shared(resource):
        resource.file.delete(save=False)
    resource.delete()


def _file_shared(resource: Resource) -> bool:
    return Resource.objects.filter(file=resource.file.name).exclude(pk=resource.pk).exists()


def save_skill(*, skill: Skill) -> Skill:
    if Skill.objects.filter(name__iexact=skill.name).exclude(pk=skill.pk).exists():
        raise ValidationError({"name": _("This skill already exists.")})
    skill.full_clean(exclude=["organization"])
    skill.save()
    return skill


def can_enrol(programme: Programme) -> bool:
    return programme.status in ENROLMENT_STATUSES


@transaction.atomic
def save_profile(*, participant: Participant, skill_levels: Mapping[Skill, int]) -> Participant:
    """Save a participant's profile and replace their skills with ``skill_levels`` ({Skill: level})."""
    participant.interests = sorted({tag.strip().lower() for tag in participant.interests if tag.strip()})
    participant.full_clean(exclude=["organization", "programme", "user"])
    participant.save()
    ParticipantSkill.objects.filter(participant=participant).delete()
    ParticipantSkill.objects.bulk_create(
        [
            ParticipantSkill(
                organization=participant.organization, participant=participant, skill=skill, level=level
            )
            for skill, level in skill_levels.items()
        ]
    )
    return participant


@transaction.atomic
def enrol(
    *,
    programme: Programme,
    user: User,
    role: str,
    profile: Participant | None = None,
    skill_levels: Mapping[Skill, int] | None = None,
    charter_accepted: bool,
) -> Participant:
    """Enrol a person (voluntarily: they accept the charter), from an invitation or on their own."""
    if not charter_accepted:
        raise ValidationError(_("You need to accept the charter to enrol."))
    if not can_enrol(programme):
        raise ValidationError(_("This programme is not open for enrolment."))
    participant = profile or Participant.objects.filter(programme=programme, user=user).first()
    if participant is None:
        participant = Participant(programme=programme, user=user, role=role)
    elif participant.status == Participant.Status.ENROLLED and participant.pk:
        raise ValidationError(_("You are already enrolled in this programme."))
    now = timezone.now()
    participant.status = Participant.Status.ENROLLED
    participant.charter_accepted_at = now
    participant.enrolled_at = now
    participant.withdrawn_at = None
    participant = save_profile(participant=participant, skill_levels=skill_levels or {})
    participant_enrolled.send(sender=Participant, participant=participant)
    return participant


@transaction.atomic
def withdraw(*, participant: Participant) -> Participant:
    """The person leaves the programme (on their own or through HR); HR sees them as withdrawn.

    Their live pairs end with the withdrawal (pairing listens to ``participant_withdrawn``), which frees
    their partner for the next matching run.
    """
    if participant.status == Participant.Status.WITHDRAWN:
        return participant
    if participant.programme.status == Programme.Status.CLOSED:
        raise ValidationError(_("This programme is closed."))
    participant.status = Participant.Status.WITHDRAWN
    participant.withdrawn_at = timezone.now()
    participant.save(update_fields=["status", "withdrawn_at"])
    participant_withdrawn.send(sender=Participant, participant=participant)
    request = audit.current_request()
    audit.record_for_request(
        audit.Action.WITHDRAWAL,
        organization=participant.organization,
        target=participant,
        target_label=participant.user.email,
        details={
            "programme": participant.programme.name,
            "programme_id": participant.programme_id,
            "by_themselves": getattr(getattr(request, "user", None), "pk", None) == participant.user_id,
        },
    )
    return participant


@transaction.atomic
def update_participant_record(
    *,
    participant: Participant,
    first_name: str,
    last_name: str,
    department: str,
    job_title: str,
    location: str,
) -> Participant:
    """HR corrects what the organisation holds about a participant: its record of the person's names
    and the programme profile's department, job title and location. The account stays the person's."""
    record_person(
        organization=participant.organization,
        user=participant.user,
        first_name=first_name,
        last_name=last_name,
        blank_keeps=False,
    )
    participant.department, participant.job_title, participant.location = department, job_title, location
    participant.full_clean(exclude=["user", "programme", "manager"])
    participant.save(update_fields=["department", "job_title", "location"])
    return participant


# The curriculum ---------------------------------------------------------------------------------------

MODULE_FIELDS = [
    "title",
    "title_en",
    "objectives",
    "objectives_en",
    "agenda",
    "agenda_en",
    "resources",
    "resources_en",
    "challenge",
    "challenge_en",
]


def _next_position(programme):
    last = programme.modules.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _module_value(module, name):
    return module.get(name, "") if isinstance(module, dict) else getattr(module, name)


def _copy_modules(programme, modules):
    start = _next_position(programme)
    return CurriculumModule.objects.bulk_create(
        [
            CurriculumModule(
                organization=programme.organization,
                programme=programme,
                position=start + offset,
                **{name: _module_value(module, name) for name in MODULE_FIELDS},
            )
            for offset, module in enumerate(modules)
        ]
    )


@transaction.atomic
def copy_default_curriculum(*, programme: Programme) -> list[CurriculumModule]:
    """Append the product's default curriculum (French and English) to the programme's modules.

    The copies are the programme's own rows: HR adapts, reorders or deletes them freely.
    """
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return _copy_modules(programme, DEFAULT_CURRICULUM)


def save_module(*, module: CurriculumModule, programme: Programme | None = None) -> CurriculumModule:
    """Create (with ``programme``, placed last) or update a curriculum module, validated."""
    if module.pk is None:
        if programme is None:
            raise ValueError("a new module needs its programme")
        module.programme = programme
        module.position = _next_position(programme)
    for name in MODULE_FIELDS:
        setattr(module, name, (getattr(module, name) or "").strip())
    if not module.title:
        raise ValidationError({"title": _("Give the module a title.")})
    module.full_clean(exclude=["organization", "programme"])
    module.save()
    return module


@transaction.atomic
def duplicate_module(*, module: CurriculumModule) -> CurriculumModule:
    """A copy of the module, placed right after it, titled as a copy in both languages."""
    programme = module.programme
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    programme.modules.filter(position__gt=module.position).update(position=models.F("position") + 1)
    copy = CurriculumModule(
        organization=module.organization,
        programme=programme,
        position=module.position + 1,
        **{name: getattr(module, name) for name in MODULE_FIELDS},
    )
    french, english = both_languages(gettext_noop("%(title)s (copy)"))
    copy.title = (french % {"title": module.title})[:200]
    if module.title_en:
        copy.title_en = (english % {"title": module.title_en})[:200]
    copy.save()
    return copy


@transaction.atomic
def move_module(*, module: CurriculumModule, offset: int) -> None:
    """Move the module up (-1) or down (+1) in its programme's order; the ends stay where they are."""
    Programme.objects.select_for_update().filter(pk=module.programme_id).first()
    modules = list(module.programme.modules.order_by("position", "pk"))
    index = next(i for i, row in enumerate(modules) if row.pk == module.pk)
    target = index + offset
    if not 0 <= target < len(modules):
        return
    modules[index], modules[target] = modules[target], modules[index]
    for position, row in enumerate(modules):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def delete_module(*, module: CurriculumModule) -> None:
    """Remove a module; sessions held on it keep their log and become free topics."""
    module.delete()


class PreparationStep:
    CHARTER = "charter"
    MODULE = "module"
    PLEDGE = "pledge"
    FIELDS = {CHARTER: "charter_accepted_at", MODULE: "module_read_at", PLEDGE: "pledge_accepted_at"}


@transaction.atomic
def complete_preparation_step(*, participant: Participant, step: str) -> Participant:
    """Record one step of the person's preparation before their first session (idempotent: the first
    moment stays). The charter and the pledge are accepted, the module for their side is read."""
    field = PreparationStep.FIELDS.get(step)
    if field is None:
        raise ValidationError(_("Unknown preparation step."))
    if participant.status == Participant.Status.WITHDRAWN:
        raise ValidationError(_("You have left this programme."))
    if getattr(participant, field) is None:
        setattr(participant, field, timezone.now())
        participant.save(update_fields=[field])
    return participant
