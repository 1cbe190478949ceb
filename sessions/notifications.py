"""Calendar invitations through the outbox: one e-mail per person with an .ics per session.

The row records which sessions, at which version (their SEQUENCE), and the method (REQUEST or CANCEL);
the e-mail and its .ics are built when it is sent, in the person's language and time zone. A session
changed again before the row went out (moved, cancelled) is left to the row planned by that change, so
a calendar never receives an older version after a newer one.
"""

import hashlib
import json

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.registry import Message, renderer
from notifications.services import notify
from organizations.tenancy import current_organization

from .calendar import invitation_ics
from .models import Session

METHODS = ("REQUEST", "CANCEL")


def notify_session_invitations(sessions, method):
    """Plan the invitation (or cancellation) of ``sessions``, all of one pair, to both people; it goes
    out once the caller's transaction commits. Planning the same versions twice sends nothing twice."""
    if method not in METHODS:
        raise ValueError(f"unknown calendar method {method!r}")
    sessions = sorted(sessions, key=lambda session: (session.starts_at, session.pk))
    if not sessions:
        return
    versions = [[session.pk, session.sequence] for session in sessions]
    digest = hashlib.sha256(json.dumps(versions).encode()).hexdigest()[:16]
    first, pair = sessions[0], sessions[0].pair
    notify(
        organization=pair.organization,
        recipients=[pair.mentor.user, pair.mentee.user],
        kind=Kind.SESSION_INVITATION,
        key=f"{method}:session:{first.pk}:seq:{first.sequence}:n:{len(sessions)}:{digest}",
        object_id=first.pk,
        data={"method": method, "sessions": versions},
    )


@renderer(Kind.SESSION_INVITATION)
def render_session_invitation(row):
    method = row.data["method"]
    planned = {pk: sequence for pk, sequence in row.data["sessions"]}
    sessions = [
        session
        for session in Session.objects.filter(pk__in=planned)
        .select_related("organization", "pair__programme", "pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
        if session.sequence == planned[session.pk]
    ]
    if not sessions:
        return None
    organization, user = current_organization(), row.recipient
    pair = sessions[0].pair
    url = settings.SITE_URL + reverse(
        "pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk}
    )
    with timezone.override(user.time_zone):
        context = {
            "organization": organization,
            "recipient": user,
            "sessions": sessions,
            "cancelled": method == "CANCEL",
            "url": url,
        }
        subject = render_to_string("sessions/email/invitation_subject.txt", context)
        text = render_to_string("sessions/email/invitation.txt", context)
    return Message(
        subject=subject,
        text=text,
        attachments=[
            (
                f"session-{session.uid}.ics",
                invitation_ics(session, method=method),
                f"text/calendar; charset=utf-8; method={method}",
            )
            for session in sessions
        ],
        action_url=url,
        action_label=_("Open the pair"),
        # After the first session has started, an invitation held by quiet hours stays in the app.
        deadline=sessions[0].starts_at,
    )
