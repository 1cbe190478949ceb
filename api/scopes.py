"""What an API key may do. A key holds a set of scopes; each endpoint names the one it needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ_PROGRAMMES = "programmes:read", _("Read programmes")
    READ_PARTICIPANTS = "participants:read", _("Read participants")
    # Pairs, their sessions (dates and status only) and their goals' progress counts.
    READ_PAIRS = "pairs:read", _("Read pairs, their sessions and goal progress")
    READ_FIGURES = "figures:read", _("Read dashboard figures and survey aggregates")
    WRITE_PARTICIPANTS = "participants:write", _("Add and update participants")


READ_SCOPES = [
    Scope.READ_PROGRAMMES,
    Scope.READ_PARTICIPANTS,
    Scope.READ_PAIRS,
    Scope.READ_FIGURES,
]
# "read" on the command line: every read scope, for a reporting tool.
SHORTHANDS = {"read": READ_SCOPES, "all": list(Scope)}


def parse_scopes(words):
    """Scope values from names or shorthands (``read``, ``participants:write``); unknown ones raise."""
    scopes = []
    for word in words:
        word = word.strip()
        if not word:
            continue
        if word in SHORTHANDS:
            scopes.extend(SHORTHANDS[word])
        elif word in Scope.values:
            scopes.append(Scope(word))
        else:
            raise ValueError(word)
    return sorted(set(scopes), key=list(Scope).index)
