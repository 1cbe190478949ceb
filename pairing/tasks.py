import logging

from celery import shared_task
from django.utils import timezone

from organizations.tasks import in_tenant
from organizations.tenancy import unscoped
from programmes.models import Programme

logger = logging.getLogger(__name__)


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
        try:
            open_rotation_rounds_for_organization.delay(organization_id)
        except Exception:  # noqa: BLE001 - the broker refused one: the others still get theirs, the next run retries.
            logger.exception("could not enqueue the rotation of organisation %s", organization_id)


@shared_task(acks_late=True)
@in_tenant
def open_rotation_rounds_for_organization(organization):
    from . import selectors, services

    now = timezone.now()
    for programme in Programme.objects.filter(status=Programme.Status.RUNNING, rotation_months__isnull=False):
        if selectors.rotation_due(programme=programme, now=now):
            services.open_rotation_round(programme=programme)
