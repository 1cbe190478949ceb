from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from organizations.tasks import in_tenant
from organizations.validators import single_line

from .calendar import invitation_ics
from .models import Session


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True, max_retries=5)
@in_tenant
def send_session_invitations(organization, session_ids, method):
    """E-mail both people of a pair one message with an .ics per session (METHOD REQUEST or CANCEL).

    Each person reads it in their own language and time zone.
    """
    sessions = list(
        Session.objects.filter(pk__in=session_ids)
        .select_related("organization", "pair__programme", "pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
    )
    if not sessions:
        return
    pair = sessions[0].pair
    url = settings.SITE_URL + reverse(
        "pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk}
    )
    attachments = [
        (f"session-{session.uid}.ics", invitation_ics(session, method=method)) for session in sessions
    ]
    for participant in (pair.mentor, pair.mentee):
        user = participant.user
        if not user.is_active:
            # An erased or deactivated account: its address is a placeholder that must not be mailed.
            continue
        with (
            translation.override(user.language or organization.default_language),
            timezone.override(user.time_zone),
        ):
            context = {
                "organization": organization,
                "recipient": user,
                "sessions": sessions,
                "cancelled": method == "CANCEL",
                "url": url,
            }
            subject = single_line(render_to_string("sessions/email/invitation_subject.txt", context))
            text = render_to_string("sessions/email/invitation.txt", context)
        message = EmailMultiAlternatives(subject, text, to=[user.email])
        for filename, content in attachments:
            message.attach(filename, content, f"text/calendar; charset=utf-8; method={method}")
        message.send()
