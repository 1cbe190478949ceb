"""Surveys in the notification machinery: when each survey is sent, its e-mails, the digest's lines."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.l10n import localized
from notifications.registry import Message, digest_section, notification_kind, periodic_planner, renderer
from notifications.services import natural_key, plan
from pairing.models import Pair
from programmes.models import Participant, Phase, Programme
from sessions.models import Session

from . import selectors
from .defaults import ensure_default_templates
from .models import SurveyResponse, SurveyTemplate
from .services import send_survey
from .tokens import response_url

SURVEY_INVITATION = notification_kind("survey_invitation", gettext_lazy("Progress survey"), position=50)
SURVEY_REMINDER = notification_kind(
    "survey_reminder", gettext_lazy("Reminder of an unanswered survey"), position=60
)

PULSE_LOOKBACK = timedelta(days=14)
FINAL_LOOKBACK = timedelta(days=30)
Moment = SurveyTemplate.Moment


def _templates(programme, phase):
    return {
        (template.moment, template.audience): template
        for template in SurveyTemplate.objects.filter(programme=programme, phase=phase, is_active=True)
    }


def _phases(programme, today):
    """The programme's phases that have started: each sends its own surveys, from its own dates."""
    phases = [Phase.REVERSE]
    if programme.phase_on(today) == Phase.CROSS:
        phases.append(Phase.CROSS)
    return phases


def _key(phase, key):
    # The reverse phase keeps the keys surveys were always sent under; the cross phase's are its own.
    return key if phase == Phase.REVERSE else f"{phase}:{key}"


def _sent_keys(prefix):
    return set(SurveyResponse.objects.filter(key__startswith=prefix).values_list("key", flat=True))


@periodic_planner
def plan_surveys(organization, now):
    """Baseline at the start, pulse after each logged session, midpoint, and final when a pair ends; for
    each phase, from its own dates (the cross phase's, when the programme has one and it has started)."""
    today = timezone.localdate(now)
    programmes = Programme.objects.filter(status=Programme.Status.RUNNING, start_date__lte=today)
    for programme in programmes:
        ensure_default_templates(programme, organization.default_language)
        participants = list(
            Participant.objects.filter(
                programme=programme, status=Participant.Status.ENROLLED
            ).select_related("user")
        )
        for phase in _phases(programme, today):
            templates = _templates(programme, phase)
            _plan_moments(programme, phase, templates, participants, now, today)
            _plan_pulses(programme, phase, templates, now)
            _plan_finals(programme, phase, templates, now, today)


def _plan_moments(programme, phase, templates, participants, now, today):
    start, end = programme.phase_dates(phase)
    sent = _sent_keys(_key(phase, "baseline:")) | _sent_keys(_key(phase, "midpoint:"))
    midpoint = start + (end - start) / 2
    # Halfway, the survey is about the person's active pair: a mentor rates that pair's mentee.
    active = {}
    if today >= midpoint:
        for pair in Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE):
            active[pair.mentor_id] = active[pair.mentee_id] = pair
    for participant in participants:
        moments = [(Moment.BASELINE, _key(phase, f"baseline:participant:{participant.pk}"), None)]
        if today >= midpoint:
            key = _key(phase, f"midpoint:participant:{participant.pk}")
            moments.append((Moment.MIDPOINT, key, active.get(participant.pk)))
        for moment, key, pair in moments:
            template = templates.get((moment, participant.role))
            if template and key not in sent:
                send_survey(template=template, participant=participant, key=key, pair=pair, now=now)


def _plan_pulses(programme, phase, templates, now):
    sessions = Session.objects.filter(
        pair__programme=programme,
        phase=phase,
        logged_at__gte=now - PULSE_LOOKBACK,
        status=Session.Status.HELD,
    ).select_related("pair__mentor__user", "pair__mentee__user")
    sent = _sent_keys(_key(phase, "pulse:"))
    for session in sessions:
        for participant in (session.pair.mentor, session.pair.mentee):
            key = _key(phase, f"pulse:session:{session.pk}:participant:{participant.pk}")
            template = templates.get((Moment.PULSE, participant.role))
            if template and key not in sent:
                send_survey(
                    template=template,
                    participant=participant,
                    key=key,
                    pair=session.pair,
                    session_id=session.pk,
                    now=now,
                )


def _plan_finals(programme, phase, templates, now, today):
    _start, end = programme.phase_dates(phase)
    ended = Pair.objects.filter(
        programme=programme, status=Pair.Status.ENDED, ended_at__gte=now - FINAL_LOOKBACK
    )
    if programme.cross_phase and programme.cross_start_date:
        # A pair that ends closes the phase it ended in.
        in_cross = Q(ended_at__date__gte=programme.cross_start_date)
        ended = ended.filter(in_cross if phase == Phase.CROSS else ~in_cross)
    pairs = list(ended.select_related("mentor__user", "mentee__user"))
    if today >= end:
        pairs += list(
            Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE).select_related(
                "mentor__user", "mentee__user"
            )
        )
    sent = _sent_keys(_key(phase, "final:"))
    for pair in pairs:
        for participant in (pair.mentor, pair.mentee):
            # Someone who left the programme, or erased their account, is not asked for a closing survey.
            if participant.status == Participant.Status.WITHDRAWN or not participant.user.is_active:
                continue
            key = _key(phase, f"final:pair:{pair.pk}:participant:{participant.pk}")
            template = templates.get((Moment.FINAL, participant.role))
            if template and key not in sent:
                send_survey(template=template, participant=participant, key=key, pair=pair, now=now)


@periodic_planner
def plan_survey_reminders(organization, now):
    sent_before = now - timedelta(days=settings.SURVEY_REMINDER_AFTER_DAYS)
    for response in selectors.unanswered_for_reminder(sent_before=sent_before, now=now):
        user = response.participant.user
        plan(
            organization=organization,
            recipient=user,
            kind=SURVEY_REMINDER,
            key=natural_key(SURVEY_REMINDER, "response", response.pk, recipient=user),
            due_at=now,
            object_id=response.pk,
        )


@renderer(SURVEY_INVITATION)
@renderer(SURVEY_REMINDER)
def render_survey(row):
    response = SurveyResponse.objects.filter(pk=row.object_id).select_related("template").first()
    if response is None or response.answered_at is not None or response.expires_at <= timezone.now():
        return None
    count = response.template.current_questions.count()
    questions = ngettext("%(count)s question", "%(count)s questions", count) % {"count": count}
    if row.kind == SURVEY_REMINDER:
        subject = _("Reminder: %(title)s") % {"title": localized(response.template, "title")}
    else:
        subject = localized(response.template, "title")
    return Message(
        subject=subject,
        paragraphs=[
            _(
                "Your answers help the programme team see what the programme changes. It takes two minutes (%(questions)s)."  # noqa: E501
            )
            % {"questions": questions},
            _("The link is personal: it works on your phone without a password, once, until %(date)s.")
            % {"date": formats.date_format(timezone.localdate(response.expires_at), "DATE_FORMAT")},
        ],
        action_url=response_url(response),
        action_label=_("Answer the survey"),
    )


@digest_section(position=30)
def digest_surveys(organization, now):
    lines = [
        _("%(pair)s: the last session was rated lower than the one before") % {"pair": pair}
        for pair in selectors.pairs_with_declining_ratings()
    ]
    pending = selectors.pending_count(now=now)
    lines.append(
        ngettext("%(count)s survey awaits an answer", "%(count)s surveys await an answer", pending)
        % {"count": pending}
    )
    return _("Ratings and surveys"), lines
