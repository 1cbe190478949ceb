"""Surveys in the notification machinery: when each survey is sent, its e-mails, the digest's lines."""

from datetime import timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.l10n import localized
from notifications.registry import Message, digest_section, notification_kind, periodic_planner, renderer
from notifications.services import natural_key, plan
from pairing.models import Pair
from programmes.models import Participant, Programme
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


def _templates(programme):
    return {
        (template.moment, template.audience): template
        for template in SurveyTemplate.objects.filter(programme=programme, is_active=True)
    }


def _sent_keys(prefix):
    return set(SurveyResponse.objects.filter(key__startswith=prefix).values_list("key", flat=True))


@periodic_planner
def plan_surveys(organization, now):
    """Baseline at the start, pulse after each logged session, midpoint, and final when a pair ends."""
    today = timezone.localdate(now)
    programmes = Programme.objects.filter(status=Programme.Status.RUNNING, start_date__lte=today)
    for programme in programmes:
        ensure_default_templates(programme, organization.default_language)
        templates = _templates(programme)
        participants = list(
            Participant.objects.filter(
                programme=programme, status=Participant.Status.ENROLLED
            ).select_related("user")
        )
        sent = _sent_keys("baseline:") | _sent_keys("midpoint:")
        midpoint = programme.start_date + (programme.end_date - programme.start_date) / 2
        # Halfway, the survey is about the person's active pair: a mentor rates that pair's mentee.
        active = {}
        if today >= midpoint:
            for pair in Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE):
                active[pair.mentor_id] = active[pair.mentee_id] = pair
        for participant in participants:
            moments = [(Moment.BASELINE, f"baseline:participant:{participant.pk}", None)]
            if today >= midpoint:
                key = f"midpoint:participant:{participant.pk}"
                moments.append((Moment.MIDPOINT, key, active.get(participant.pk)))
            for moment, key, pair in moments:
                template = templates.get((moment, participant.role))
                if template and key not in sent:
                    send_survey(template=template, participant=participant, key=key, pair=pair, now=now)
        _plan_pulses(programme, templates, now)
        _plan_finals(programme, templates, now, today)


def _plan_pulses(programme, templates, now):
    sessions = Session.objects.filter(
        pair__programme=programme, logged_at__gte=now - PULSE_LOOKBACK, status=Session.Status.HELD
    ).select_related("pair__mentor__user", "pair__mentee__user")
    sent = _sent_keys("pulse:")
    for session in sessions:
        for participant in (session.pair.mentor, session.pair.mentee):
            key = f"pulse:session:{session.pk}:participant:{participant.pk}"
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


def _plan_finals(programme, templates, now, today):
    ended = Pair.objects.filter(
        programme=programme, status=Pair.Status.ENDED, ended_at__gte=now - FINAL_LOOKBACK
    )
    pairs = list(ended.select_related("mentor__user", "mentee__user"))
    if today >= programme.end_date:
        pairs += list(
            Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE).select_related(
                "mentor__user", "mentee__user"
            )
        )
    sent = _sent_keys("final:")
    for pair in pairs:
        for participant in (pair.mentor, pair.mentee):
            # Someone who left the programme, or erased their account, is not asked for a closing survey.
            if participant.status == Participant.Status.WITHDRAWN or not participant.user.is_active:
                continue
            key = f"final:pair:{pair.pk}:participant:{participant.pk}"
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
