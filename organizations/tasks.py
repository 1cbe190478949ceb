from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Invitation, Organization
from .tenancy import tenant_context
from .validators import single_line

P = ParamSpec("P")
R = TypeVar("R")


def in_tenant(
    task_function: Callable[Concatenate[Organization, P], R],
) -> Callable[Concatenate[int, P], R | None]:
    """Run a task body inside the organisation passed as its first argument, then reset.

    Tasks never inherit a tenant from whoever enqueued them: the organisation travels as an id.
    """

    @wraps(task_function)
    def wrapper(organization_id: int, *args: P.args, **kwargs: P.kwargs) -> R | None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            return None
        with tenant_context(organization):
            return task_function(organization, *args, **kwargs)

    return wrapper


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True, max_retries=5)
@in_tenant
def send_invitation_email(organization: Organization, invitation_id: int) -> None:
    from .services import invitation_url

    invitation = Invitation.objects.filter(pk=invitation_id).select_related("invited_by").first()
    if invitation is None or not invitation.is_pending:
        return
    with translation.override(organization.default_language):
        context = {
            "organization": organization,
            "invitation": invitation,
            "url": invitation_url(invitation),
        }
        subject = single_line(render_to_string("organizations/email/invitation_subject.txt", context))
        text = render_to_string("organizations/email/invitation.txt", context)
        html = render_to_string("organizations/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
