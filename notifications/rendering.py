"""What every renderer needs: absolute links into the current organisation, and times as the reader sees them."""

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats

from organizations.tenancy import current_organization


def organization_url(name, **kwargs):
    organization = current_organization()
    return settings.SITE_URL + reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def local_datetime(moment, user):
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"
