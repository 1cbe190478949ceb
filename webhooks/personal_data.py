"""Webhook endpoints name who added them, and nothing else about anyone."""

from accounts import privacy

from .models import Endpoint

privacy.not_exported(
    Endpoint,
    why="an organisation's integration setting: only who added it points to a person (set to empty when "
    "their account is deleted), and the audit trail records it",
)
