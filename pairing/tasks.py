from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from organizations.tasks import in_tenant
from organizations.tenancy import unscoped
from programmes.models import Programme

from .models import Pair

EMAIL_TASK = dict(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True, max_retries=5
)


@shared_task(**EMAIL_TASK)
@in_tenant
def send_pair_email(organization, pair_id, event, user_id):
    from .notifications import EVENTS

    if event not in EVENTS:
        return
    pair = Pair.objects.filter(pk=pair_id).select_related("mentor__user", "mentee__user", "programme").first()
    recipient = get_user_model().objects.filter(pk=user_id).first()
    if pair is None or recipient is None:
        return
    partner = pair.mentee.user if recipient.pk == pair.mentor.user_id else pair.mentor.user
    with translation.override(recipient.language or organization.default_language):
        context = {
            "organization": organization,
            "pair": pair,
            "recipient": recipient,
            "partner": partner,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("my_matches", kwargs={"org_slug": organization.slug}),
        }
        subject = render_to_string(f"pairing/email/{event}_subject.txt", context).strip()
        text = render_to_string(f"pairing/email/{event}.txt", context)
        html = render_to_string(f"pairing/email/{event}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def open_due_rotation_rounds():
    """Beat: find the organisations with a programme whose rotation is due, one task each."""
    with unscoped("the rotation scheduler fans out over every organisation"):
        organization_ids = set(
            Programme.objects.filter(
                status=Programme.Status.RUNNING, rotation_months__isnull=False
            ).values_list("organization_id", flat=True)
        )
    for organization_id in sorted(organization_ids):
        open_rotation_rounds_for_organization.delay(organization_id)


@shared_task(acks_late=True)
@in_tenant
def open_rotation_rounds_for_organization(organization):
    from . import selectors, services

    now = timezone.now()
    for programme in Programme.objects.filter(status=Programme.Status.RUNNING, rotation_months__isnull=False):
        if selectors.rotation_due(programme=programme, now=now):
            services.open_rotation_round(programme=programme)
