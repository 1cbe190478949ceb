from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from organizations.tasks import in_tenant
from organizations.validators import single_line

from .models import Nudge


@shared_task(acks_late=True)
@in_tenant
def send_nudge_email(organization, nudge_id):
    """E-mail the reminder to the mentor and the mentee, each in their own language. Sent at most once."""
    from django.conf import settings

    if Nudge.objects.filter(pk=nudge_id, sent_at=None).update(sent_at=timezone.now()) != 1:
        return
    nudge = Nudge.objects.select_related("pair__mentor__user", "pair__mentee__user", "pair__programme").get(
        pk=nudge_id
    )
    pair = nudge.pair
    for person, partner in ((pair.mentor.user, pair.mentee.user), (pair.mentee.user, pair.mentor.user)):
        with translation.override(person.language or organization.default_language):
            context = {
                "organization": organization,
                "programme": pair.programme,
                "person": person,
                "partner": partner,
                "reasons": nudge.reasons,
                "url": f"{settings.SITE_URL}/o/{organization.slug}/",
            }
            subject = single_line(render_to_string("dashboards/email/nudge_subject.txt", context))
            text = render_to_string("dashboards/email/nudge.txt", context)
            html = render_to_string("dashboards/email/nudge.html", context)
        message = EmailMultiAlternatives(subject, text, to=[person.email])
        message.attach_alternative(html, "text/html")
        message.send()
