"""Demo data: every running programme gets its default survey templates, and the pilot its survey history.

The pilot's history is what the planners (surveys.notifications) would have sent, under their natural
keys so that they never send it again: a baseline survey to each participant at the start, a pulse to
both people after each logged session and the mid-programme survey. Most were answered, skills improve
and practices change; some people left a comment, most of them agreeing to share it anonymously; a few
recent surveys are still open. Like the sessions demo, the history is written as rows: ``send_survey``
would plan an invitation e-mail for each of hundreds of surveys, and ``submit_answers`` stamps the answer
with the current time, so neither can record the past; the skill progress those answers make is then
rebuilt from them in one go.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from pairing.models import Pair
from programmes.models import Participant, ParticipantSkill, Programme
from sessions.models import Session

from .defaults import ensure_default_templates
from .models import Answer, Question, SurveyResponse, SurveyTemplate
from .services import rebuild_skill_progress

PILOT = "Programme pilote 2026"
PARIS = ZoneInfo("Europe/Paris")
Moment, Type = SurveyTemplate.Moment, Question.Type
# The mid-programme survey went out a little under two weeks ago: some people have not answered yet.
MIDPOINT_SENT_AGO = timedelta(days=12)
# Hours between a survey's e-mail and its answer, as people really take them: mostly soon, some late.
DELAYS = [2, 3, 6, 20, 26, 48, 72, 120, 200, 320]
# What people write under "Any comment for the programme team?", taken in turn so no two say the same.
COMMENTS = [
    "Des échanges très concrets : j'applique dès le lendemain.",
    "Un temps d'échange entre binômes serait utile.",
    "Difficile de tenir le rythme en période de clôture.",
    "Le format court, toutes les deux semaines, est idéal.",
    "J'ai enfin compris à quoi servent les canaux Teams : je n'envoie presque plus de pièces jointes.",
    "Il faudrait bloquer les créneaux dans les agendas dès le lancement du programme.",
    "Passer de l'autre côté de la table a changé ma façon de manager.",
    "On apprend autant en tant que mentor : je vois mieux comment se prennent les décisions.",
    "J'aurais aimé un atelier de lancement commun à tous les binômes.",
    "Préparer mes réunions avec un assistant IA me fait gagner une heure par semaine.",
    "La cybersécurité mériterait une séance dédiée, avec des exemples de notre quotidien.",
    "Un peu intimidant au début, puis très naturel : on se tutoie maintenant.",
    "Nos séances ont débouché sur un tableau de bord partagé que toute l'équipe utilise.",
    "Pas toujours simple de trouver un sujet quand tout va bien : une liste d'idées aiderait.",
    "Je n'osais pas poser certaines questions à ma hiérarchie ; ici, c'est possible.",
    "Le programme mériterait d'être ouvert aux équipes des autres sites.",
]
# Share of those comments their authors agree to show, without their name, to the programme's sponsors.
SHARED = 0.6


def seed_demo(organization, people):
    for programme in Programme.objects.filter(status=Programme.Status.RUNNING):
        ensure_default_templates(programme, organization.default_language)
    pilot = Programme.objects.filter(name=PILOT, status=Programme.Status.RUNNING).first()
    if pilot is None or SurveyResponse.objects.filter(template__programme=pilot).exists():
        return
    _History(organization, pilot).write()


class _History:
    def __init__(self, organization, pilot):
        self.organization = organization
        self.pilot = pilot
        self.now = timezone.now()
        self.templates = {
            (template.moment, template.audience): (template, list(template.current_questions))
            for template in SurveyTemplate.objects.filter(programme=pilot)
        }
        self.participants = {
            participant.pk: participant
            for participant in Participant.objects.filter(
                programme=pilot, status=Participant.Status.ENROLLED
            ).select_related("user")
        }
        # Without a pair, a self-assessment lists one's own skills (surveys.selectors.skills_for).
        self.skills = {pk: [] for pk in self.participants}
        links = ParticipantSkill.objects.filter(participant__in=list(self.participants))
        for link in links.select_related("skill"):
            self.skills[link.participant_id].append((link.skill, link.level))
        self.responses, self.answers = [], []  # written together at the end
        # Each person's own levels at baseline and halfway, and the mentor's surveys that rate a mentee:
        # [(response, question, pair, halfway)], answered once every mentee's levels are known.
        self.levels, self.halfway_levels, self.mentor_views = {}, {}, []
        self.active_pairs = {
            pair.mentor_id: pair for pair in Pair.objects.filter(programme=pilot, status=Pair.Status.ACTIVE)
        }
        self.comments = 0

    def write(self):
        start = datetime.combine(self.pilot.start_date, time(9), PARIS)
        if start >= self.now:
            return  # nothing sent yet
        midpoint = self.pilot.start_date + (self.pilot.end_date - self.pilot.start_date) / 2
        midpoint_sent = min(datetime.combine(midpoint, time(9), PARIS), self.now - MIDPOINT_SENT_AGO)
        for participant in sorted(self.participants.values(), key=lambda participant: participant.user.email):
            rng = random.Random(participant.user.email)
            levels = self.levels[participant.pk] = self._baseline(participant, rng, start)
            if midpoint_sent > start:
                self._midpoint(participant, rng, midpoint_sent, levels)
        self._pulses()
        self._mentor_views()
        SurveyResponse.objects.bulk_create(self.responses)
        Answer.objects.bulk_create([answer for answer in self.answers if answer.response.answered_at])
        rebuild_skill_progress()

    # --- Each moment --------------------------------------------------------------------------------

    def _baseline(self, participant, rng, sent_at):
        """Where each person stands before the first session; returns their levels per skill."""
        levels = {}
        for skill, level in self.skills[participant.pk]:
            if participant.role == Participant.Role.MENTOR:
                # What mentors offer, they already master (proficiency 1 to 3).
                levels[skill] = min(5, level + 1 + rng.choice([0, 0, 1]))
            else:
                # What mentees want most (3) is where they stand lowest.
                levels[skill] = rng.choice([1, 1, 2, 2] if level == 3 else [1, 2, 2, 3])
        template, questions = self.templates[(Moment.BASELINE, participant.role)]
        response = self._response(
            template, participant, f"baseline:participant:{participant.pk}", sent_at, rng, willing=0.92
        )
        for question in questions:
            if question.type == Type.SKILLS:
                for skill, value in levels.items():
                    self._answer(response, question, number=value, skill=skill)
            elif question.type == Type.TEXT and participant.hopes:
                self._answer(response, question, text=participant.hopes)
        return levels

    def _midpoint(self, participant, rng, sent_at, levels):
        """Halfway: skills gained (more by mentees), practices adopted, satisfaction, recommendation."""
        mentor = participant.role == Participant.Role.MENTOR
        template, questions = self.templates[(Moment.MIDPOINT, participant.role)]
        pair = self.active_pairs.get(participant.pk) if mentor else None
        response = self._response(
            template,
            participant,
            f"midpoint:participant:{participant.pk}",
            sent_at,
            rng,
            willing=0.85,
            pair=pair,
        )
        for question in questions:
            if question.type == Type.SKILLS:
                halfway = self.halfway_levels[participant.pk] = {}
                for skill, baseline in levels.items():
                    gain = rng.choice([0, 0, 1] if mentor else [0, 1, 1, 1, 2, 2])
                    halfway[skill] = min(5, baseline + gain)
                    self._answer(response, question, number=halfway[skill], skill=skill)
            elif question.type == Type.MENTEE_SKILLS and pair is not None:
                self.mentor_views.append((response, question, pair, True))
            elif question.type == Type.CHOICE:
                # The choices are the defaults' practices, the last one being "none yet".
                weights = [3, 4, 2, 1][: len(question.choices)]
                option = rng.choices(question.choices, weights=weights)[0]
                self._answer(response, question, text=option, option=question.choices.index(option) + 1)
            elif question.type == Type.SCALE:
                self._answer(response, question, number=rng.choice([3, 4, 4, 5, 5, 5]))
            elif question.type == Type.RECOMMEND:
                self._answer(response, question, number=rng.choice([6, 7, 8, 8, 9, 9, 9, 10, 10, 10]))
            elif question.type == Type.YES_NO:
                self._answer(response, question, number=rng.choice([1, 1, 0]))
            elif question.type == Type.TEXT and rng.random() < 0.4 and response.answered_at:
                text = COMMENTS[self.comments % len(COMMENTS)]
                self.comments += 1
                self._answer(response, question, text=text, shared=rng.random() < SHARED)

    def _pulses(self):
        """After each logged session, both people rate it in one click, in line with the pair's log."""
        sessions = Session.objects.filter(
            pair__programme=self.pilot, pair__status=Pair.Status.ACTIVE, status=Session.Status.HELD
        ).select_related("pair")
        rated = set()
        for session in sessions.order_by("starts_at", "pk"):
            for participant_id in (session.pair.mentor_id, session.pair.mentee_id):
                participant = self.participants.get(participant_id)
                if participant is None:
                    continue
                sent_at = session.logged_at + timedelta(hours=1)
                if sent_at >= self.now:
                    continue  # the planner's next run sends it
                rng = random.Random(f"{participant.user.email}:{session.starts_at.isoformat()}")
                template, questions = self.templates[(Moment.PULSE, participant.role)]
                response = self._response(
                    template,
                    participant,
                    f"pulse:session:{session.pk}:participant:{participant.pk}",
                    sent_at,
                    rng,
                    willing=0.7,
                    pair=session.pair,
                    session_id=session.pk,
                )
                usefulness = session.usefulness or 4
                # Only a pair that rated its session poorly answers the pulse below 3.
                lowest = 1 if usefulness <= 2 else 3
                rating = max(lowest, min(5, usefulness + rng.choice([-1, 0, 0, 0, 1])))
                for question in questions:
                    if question.type == Type.SCALE:
                        self._answer(response, question, number=rating)
                    elif question.type == Type.MENTEE_SKILLS and session.pair_id not in rated:
                        # The mentor's view of the mentee, asked until the first answer.
                        self.mentor_views.append((response, question, session.pair, False))
                        if response.answered_at:
                            rated.add(session.pair_id)

    def _mentor_views(self):
        """Each mentor's rating of their mentee's skills: close to the mentee's own, often a little lower
        at the start (executives tend to rate themselves kindly), nearer halfway."""
        for response, question, pair, halfway in self.mentor_views:
            own = (self.halfway_levels if halfway else self.levels).get(pair.mentee_id, {})
            rng = random.Random(f"{response.key}:mentor-view")
            for skill, level in own.items():
                shift = rng.choice([0, 0, 1] if halfway else [-1, -1, 0, 0, 1])
                self._answer(response, question, number=max(1, min(5, level + shift)), skill=skill)

    # --- Rows ---------------------------------------------------------------------------------------

    def _response(self, template, participant, key, sent_at, rng, *, willing, pair=None, session_id=None):
        """A survey sent at ``sent_at``, answered within its link's lifetime if the person is willing and
        the answer's moment has come; otherwise left open (or expired)."""
        expires_at = sent_at + timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS)
        answered_at = sent_at + timedelta(hours=rng.choice(DELAYS), minutes=rng.randrange(60))
        if rng.random() >= willing or answered_at >= min(self.now, expires_at):
            answered_at = None
        response = SurveyResponse(
            organization=self.organization,
            template=template,
            participant=participant,
            pair=pair,
            session_id=session_id,
            key=key,
            sent_at=sent_at,
            expires_at=expires_at,
            answered_at=answered_at,
            version=template.version if answered_at else None,
        )
        self.responses.append(response)
        return response

    def _answer(self, response, question, *, number=None, text="", skill=None, shared=False, option=None):
        self.answers.append(
            Answer(
                organization=self.organization,
                response=response,
                question=question,
                skill=skill,
                number=number,
                text=text,
                option=option,
                shared_anonymously=shared,
            )
        )
