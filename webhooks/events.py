"""The events an endpoint may subscribe to: their stored names (never change one) and labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    PARTICIPANT_ENROLLED = "participant.enrolled", _("A participant enrolled in a programme")
    PAIR_PUBLISHED = "pair.published", _("A pair was proposed to its mentor and mentee")
    PAIR_ACCEPTED = "pair.accepted", _("A pair was accepted by both sides")
    PAIR_ENDED = "pair.ended", _("A pair ended")
    SESSION_SCHEDULED = "session.scheduled", _("A session was scheduled or moved")
    SESSION_HELD = "session.held", _("A session was held")
    SESSION_CANCELLED = "session.cancelled", _("A session was cancelled")
    SURVEY_WINDOW_CLOSED = "survey.window_closed", _("A survey closed (response counts only)")
