"""The dashboard's figures, kept per organisation and filter in Django's cache.

Computing them is a dozen aggregates plus Python over their rows; the same executives reload the same
board. A figure set is kept for ``DASHBOARD_CACHE_SECONDS`` (the page shows when it was computed), and
any save or delete of a row the figures read bumps the organisation's version, so that the next request
computes afresh. Bulk writes send no signals (``bulk_create``, ``update``, raw SQL): the version also
holds the organisation's generations of kept pages (``organizations.pagecache``), which the statements
themselves replace, so that those drop the figures too.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from organizations import pagecache

# What the figures read (dashboards.selectors, dashboards.impact), by app label (sessions: mentoring_sessions). Organization: its minimum group size.
SOURCES = (
    "organizations.Organization",
    "programmes.Programme",
    "programmes.Participant",
    "programmes.Skill",
    "programmes.MentorOutcome",
    "programmes.OutcomeBaseline",
    "pairing.MatchingRound",
    "pairing.Pair",
    "mentoring_sessions.Session",
    "mentoring_sessions.Goal",
    "mentoring_sessions.GoalProgress",
    "surveys.SurveyTemplate",
    "surveys.Question",
    "surveys.SurveyResponse",
    "surveys.Answer",
    "surveys.SkillProgress",
)


def _scope(organization_id):
    """What the signals below replace: the rows the figures read, beside every write the SQL shows."""
    return f"dashboard:{organization_id}"


def scopes(organization_id):
    """The scopes whose generations make the figures' version (``organizations.pagecache``)."""
    return [
        _scope(organization_id),
        pagecache.organization(organization_id),
        pagecache.pairs(organization_id),
    ]


def version(organization_id):
    """The organisation's current figures version, in one round trip: the generation the signals below
    replace, with those of every write to the organisation's rows (and of writes outside any), seen in
    the SQL (organizations/pagecache.py), so that a bulk update, which sends no signal, drops the figures
    too. None when the cache cannot keep them (nothing is kept then)."""
    return pagecache.generations(scopes(organization_id))


def invalidate(organization_id):
    """Figures cached so far for this organisation are not served again."""
    pagecache.bump([_scope(organization_id)])


def figures(*, organization, filters, compute):
    """``compute()``'s dict for these filters, with ``computed_at``, from the cache when it is there."""
    query = json.dumps(filters.as_query(), sort_keys=True, default=str)
    digest = hashlib.sha256(f"{filters.time_zone}|{get_language()}|{query}".encode()).hexdigest()[:32]
    current = version(organization.pk)
    if current is None:
        return {**compute(), "computed_at": timezone.now(), "cache_key": ""}
    key = f"dashboard:figures:{organization.pk}:{current}:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = {**compute(), "computed_at": timezone.now()}
        cache.set(key, cached, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return {**cached, "cache_key": key}


def filter_options(*, organization, compute):
    """``(compute(), key)``: the filter options (programmes, rounds, departments), kept like the figures.

    The options are read from the rows the figures read (the same version drops them), and every
    request needs them, a figures' reload served from the cache included: three queries saved there.
    """
    current = version(organization.pk)
    if current is None:
        return compute(), ""
    key = f"dashboard:options:{organization.pk}:{current}"
    options = cache.get(key)
    if options is None:
        options = compute()
        cache.set(key, options, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return options, key


def rendered(*, cache_key, name, render, computed_at=None):
    """``render()``'s HTML drawn from what is kept under ``cache_key``, kept beside it.

    The figures' sections are the same for every reader of the same figures in the same language (the
    figures' key holds the organisation, its version, the filters, the time zone and the language), and
    drawing them costs more than computing them from the cache: 18 ms of templates on the bench's
    figures. With ``computed_at`` in the key, figures computed again are drawn again, never served with
    the drawing of the earlier ones; the version bump that drops figures or options drops their drawing
    with them. ``name`` says which drawing, and holds whatever else it depends on.
    """
    if not cache_key:
        return render()
    stamp = "" if computed_at is None else f"{computed_at.timestamp()}:"
    key = f"{cache_key}:{stamp}{name}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return html


def _changed(sender, instance, **kwargs):
    organization_id = instance.pk if sender._meta.label == "organizations.Organization" else None
    organization_id = organization_id or getattr(instance, "organization_id", None)
    if organization_id is None:
        return
    invalidate(organization_id)
    # Again once the change is committed: a request that read the old rows while this transaction was
    # open may have stored them under the version bumped above.
    transaction.on_commit(lambda: invalidate(organization_id), robust=True)


def connect():
    from django.apps import apps

    for label in SOURCES:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-cache-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"dashboard-cache-delete-{label}")
