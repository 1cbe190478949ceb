from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairing.models import Pair

from .models import Nudge

if TYPE_CHECKING:
    from accounts.models import User

NUDGE_INTERVAL = datetime.timedelta(hours=24)


@transaction.atomic
def nudge_pair(*, pair: Pair, sent_by: User, reasons: Iterable[str]) -> Nudge:
    """Record HR's reminder to a pair and send it to both people once the transaction commits, through
    the outbox: each person's mutes and quiet hours apply.

    Refused for a pair that no longer meets (declined, ended: HR re-matches instead) and when the pair
    was already nudged within the last day, so one click cannot turn into a flood of e-mails.
    """
    from .notifications import notify_nudge

    if pair.status not in Pair.CONFIRMED:
        raise ValidationError(_("Only an accepted or active pair can be reminded."))
    if Nudge.objects.filter(pair=pair, created_at__gte=timezone.now() - NUDGE_INTERVAL).exists():
        raise ValidationError(_("This pair was already reminded in the last 24 hours."))
    nudge = Nudge.objects.create(pair=pair, sent_by=sent_by, reasons=list(reasons))
    notify_nudge(nudge)
    return nudge
