"""What every renderer needs: absolute links into the current organisation, and times as the reader sees them."""

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from organizations.tenancy import current_organization
from organizations.validators import single_line

from .registry import RENDERERS


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


def keep_subject(row, message):
    """Keep the rendered subject on the row for the in-app list, with the language it was written in."""
    row.subject = single_line(message.subject)[:300]
    row.subject_language = translation.get_language() or ""


def shown_subject(row, language):
    """The row's title in ``language`` (the viewer's): the stored subject when it was written in that
    language, else rendered again from the row's kind and parameters, so that a person who reads Binôme
    in English sees English even for a message first written in French.

    The stored subject stays the answer when its language is not known (rows older than the record),
    when the kind's renderer is gone or when the row is stale (the survey was answered, the session
    moved): the list still says what the message was.
    """
    if not row.subject_language or row.subject_language == language:
        return row.subject
    render = RENDERERS.get(row.kind)
    if render is None:
        return row.subject
    with translation.override(language):
        message = render(row)
    if message is None or not message.subject:
        return row.subject
    return single_line(message.subject)[:300]


def with_shown_subjects(rows, *, language):
    """``rows`` (one page of the in-app list), each given ``shown_subject`` in ``language``. Only the
    rows written in another language cost their renderer's queries, a page at most."""
    rows = list(rows)
    for row in rows:
        row.shown_subject = shown_subject(row, language)
    return rows
