"""Dashboards hold nothing about a person beyond who in HR nudged a pair."""

from accounts import privacy

from .models import Nudge

privacy.not_exported(Nudge, why="who in HR nudged a pair is the organisation's record of its own work")
