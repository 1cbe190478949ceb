"""Programme health over time, on a programme whose every figure is worked out by hand below.

Weekly buckets from Monday 5 January 2026 (Paris: a week ends at 23:00 UTC on Sunday), "now" Monday
2 March 12:00 UTC, a 14-day cadence. Five active pairs:

- P1 started 5 Jan, held every Tuesday from 6 Jan to 24 Feb: always at cadence;
- P2 started 5 Jan, held 6 and 20 Jan: at cadence until the week of 26 Jan;
- P3 started 5 Jan, held 7 Jan, 21 Jan and 4 Feb: at cadence until the week of 9 Feb;
- P4 started 19 Jan, never met: at cadence (just started) the weeks of 19 and 26 Jan;
- P5 started 5 Jan, held once, 13 Jan: at cadence until the week of 19 Jan.

At each week's end (live pairs, at cadence): 12 Jan (4, 4), 19 Jan (4, 4), 26 Jan (5, 5), 2 Feb (5, 4 = 80 %),
9 Feb (5, 2 = 40 %), 16 Feb (5, 2 = 40 %), 23 Feb (5, 1), 2 Mar (5, 1), now (5, 1). Below 70 % from the week
of 2 February, two weeks running: the slip starts there.
"""

import datetime

import pytest
import time_machine
from django.db.models import Q
from django.urls import reverse

from dashboards import health
from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions.models import Session
from surveys.models import SurveyResponse, SurveyTemplate
from tests.factories import (
    PairFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    member,
)

NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
WEEK_OF_2_FEB = 4


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def slipping(organization, frozen):
    organization.time_zone = "Europe/Paris"
    organization.minimum_group_size = 2
    organization.save()
    with tenant_context(organization):
        programme = ProgrammeFactory(
            organization=organization,
            name="Pilot 2026",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2026, 6, 28),
            cadence_days=14,
        )

        def pair(started, held, name):
            mentor = ParticipantFactory(
                organization=organization,
                programme=programme,
                role="mentor",
                user=UserFactory(first_name="Mentor", last_name=f"Of{name.upper()}"),
            )
            mentee = ParticipantFactory(
                organization=organization,
                programme=programme,
                role="mentee",
                user=UserFactory(first_name="Mentee", last_name=f"Of{name.upper()}"),
            )
            created = PairFactory(
                organization=organization,
                programme=programme,
                mentor=mentor,
                mentee=mentee,
                status=Pair.Status.ACTIVE,
                started_at=started,
            )
            for day in held:
                SessionFactory(
                    organization=organization, pair=created, starts_at=day, status=Session.Status.HELD
                )
            created.label = name
            return created

        pairs = {
            "p1": pair(at(1, 5), [at(1, 6) + datetime.timedelta(days=7 * week) for week in range(8)], "p1"),
            "p2": pair(at(1, 5), [at(1, 6), at(1, 20)], "p2"),
            "p3": pair(at(1, 5), [at(1, 7), at(1, 21), at(2, 4)], "p3"),
            "p4": pair(at(1, 19), [], "p4"),
            "p5": pair(at(1, 5), [at(1, 13)], "p5"),
        }
        # Neither a session not held nor another programme's counts.
        SessionFactory(
            organization=organization, pair=pairs["p2"], starts_at=at(2, 10), status=Session.Status.CANCELLED
        )
        SessionFactory(
            organization=organization, pair=pairs["p4"], starts_at=at(2, 11), status=Session.Status.NO_SHOW
        )
        SessionFactory(organization=organization, starts_at=at(2, 11), status=Session.Status.HELD)
        template = SurveyTemplate.objects.create(
            organization=organization, programme=programme, moment="pulse", audience="mentor", title="Pulse"
        )
        for key, (sent, answered, participant) in enumerate(
            [
                (at(1, 8), at(1, 9), pairs["p1"].mentor),
                (at(1, 8), None, pairs["p2"].mentor),
                (at(2, 10), None, pairs["p3"].mentor),
            ]
        ):
            SurveyResponse.objects.create(
                organization=organization,
                template=template,
                participant=participant,
                key=f"pulse:{key}",
                sent_at=sent,
                expires_at=sent + datetime.timedelta(days=30),
                answered_at=answered,
            )
        yield {"programme": programme, "pairs": pairs}


def test_the_timeline_counts_live_pairs_and_those_at_cadence_at_each_week_s_end(slipping):
    timeline = health.programme_health(programme=slipping["programme"], now=NOW)
    assert not timeline.monthly
    assert [bucket.start for bucket in timeline.buckets][:2] == [
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 12),
    ]
    assert len(timeline.buckets) == 9
    assert [bucket.live for bucket in timeline.buckets] == [4, 4, 5, 5, 5, 5, 5, 5, 5]
    assert [bucket.at_cadence for bucket in timeline.buckets] == [4, 4, 5, 4, 2, 2, 1, 1, 1]
    assert [bucket.at_cadence_share for bucket in timeline.buckets] == [100, 100, 100, 80, 40, 40, 20, 20, 20]


def test_sessions_held_are_counted_against_what_the_cadence_plans_for_the_live_pairs(slipping):
    timeline = health.programme_health(programme=slipping["programme"], now=NOW)
    assert [bucket.held for bucket in timeline.buckets] == [3, 2, 3, 1, 2, 1, 1, 1, 0]
    # A week is half a cadence: half a session per live pair; this week's 13 hours are 13/24/14 of one.
    assert [bucket.planned for bucket in timeline.buckets] == [2.0, 2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 0.2]
    assert timeline.buckets[0].held_share == 150.0


def test_the_response_rate_is_per_week_of_sending(slipping):
    timeline = health.programme_health(programme=slipping["programme"], now=NOW)
    assert [(bucket.sent, bucket.answered, bucket.response_rate) for bucket in timeline.buckets][:6] == [
        (2, 1, 50.0),
        (0, 0, None),
        (0, 0, None),
        (0, 0, None),
        (0, 0, None),
        (1, 0, 0.0),
    ]


def test_a_programme_that_slips_the_week_of_2_february_is_flagged_that_week(slipping):
    timeline = health.programme_health(programme=slipping["programme"], now=NOW)
    assert [bucket.slip_starts for bucket in timeline.buckets] == [
        index == WEEK_OF_2_FEB for index in range(9)
    ]
    assert timeline.slip.start == datetime.date(2026, 2, 2)
    assert timeline.slipping_now


def test_one_week_below_the_threshold_is_not_a_slip_and_a_recovery_is_said():
    def timeline(shares):
        buckets = [
            health.Bucket(start=datetime.date(2026, 1, 5), end=datetime.date(2026, 1, 12)) for _ in shares
        ]
        for bucket, value in zip(buckets, shares, strict=True):
            bucket.at_cadence_share = value
        result = health.Health(programme=None, monthly=False, buckets=buckets)
        health._flag_slips(result)
        return result

    dip = timeline([100, 60, 90, 69.9, None, 50])
    assert dip.slip is None and not dip.slipping_now
    recovered = timeline([90, 69.9, 50, 80])
    assert [bucket.slip_starts for bucket in recovered.buckets] == [False, True, False, False]
    assert not recovered.slipping_now
    exactly = timeline([70, 70, 70])
    assert exactly.slip is None


def test_the_three_pairs_that_matter_are_the_regular_ones_gone_silent_then_the_longest_silent(slipping):
    pairs = slipping["pairs"]
    found = health.pairs_that_matter(programme=slipping["programme"], now=NOW)
    assert [pair.pk for pair in found] == [pairs["p2"].pk, pairs["p3"].pk, pairs["p5"].pk]
    assert [(pair.held_count, pair.silent_days) for pair in found] == [(2, 41), (3, 26), (1, 48)]


def test_an_ended_pair_is_live_until_it_ended_and_never_among_the_pairs_that_matter(slipping):
    p2 = slipping["pairs"]["p2"]
    Pair.objects.filter(pk=p2.pk).update(status=Pair.Status.ENDED, ended_at=at(2, 5))
    timeline = health.programme_health(programme=slipping["programme"], now=NOW)
    assert [bucket.live for bucket in timeline.buckets] == [4, 4, 5, 5, 4, 4, 4, 4, 4]
    assert p2.pk not in {pair.pk for pair in timeline.pairs}


def test_an_executive_s_view_hides_the_weeks_of_too_few_people_and_names_no_pair(slipping):
    timeline = health.programme_health(programme=slipping["programme"], now=NOW, minimum=9, with_pairs=False)
    assert timeline.pairs == []
    first, third = timeline.buckets[0], timeline.buckets[2]
    assert first.hidden and first.live is None and first.at_cadence_share is None and first.held is None
    assert not third.hidden and third.live == 5
    # Two people answered the first week's surveys: fewer than nine.
    assert first.sent is None and first.response_rate is None


def test_a_programme_longer_than_a_year_is_shown_by_month(organization, in_organization):
    programme = ProgrammeFactory(
        organization=organization, start_date=datetime.date(2025, 1, 15), end_date=datetime.date(2026, 12, 31)
    )
    monthly, buckets = health.buckets_of(programme, today=datetime.date(2026, 3, 2))
    assert monthly
    assert [bucket.start for bucket in buckets][:2] == [datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)]
    assert buckets[-1].start == datetime.date(2026, 3, 1) and buckets[-1].end == datetime.date(2026, 4, 1)
    assert len(buckets) == 15


def test_a_programme_not_started_has_no_timeline(organization, in_organization):
    programme = ProgrammeFactory(organization=organization, draft=True)
    timeline = health.programme_health(programme=programme)
    assert timeline.buckets == [] and timeline.slip is None


def _grow(organization, programme, pairs):
    """More pairs and sessions, the same statements."""
    for number in range(pairs):
        pair = PairFactory(organization=organization, programme=programme, started_at=at(1, 5))
        SessionFactory(
            organization=organization, pair=pair, starts_at=at(1, 6 + number % 20), status=Session.Status.HELD
        )


def test_the_timeline_takes_four_queries_whatever_the_pairs_and_weeks(
    slipping, organization, django_assert_num_queries
):
    programme = slipping["programme"]
    with django_assert_num_queries(4):
        health.programme_health(programme=programme, now=NOW)
    _grow(organization, programme, 12)
    later = NOW + datetime.timedelta(days=90)
    with django_assert_num_queries(4):
        timeline = health.programme_health(programme=programme, now=later)
    assert len(timeline.buckets) == 21
    with django_assert_num_queries(3):
        health.programme_health(programme=programme, now=later, minimum=5, with_pairs=False)


# --- The page ------------------------------------------------------------------------------------------


def url(organization, programme):
    return reverse("programme_health", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})


def test_hr_reads_the_rule_the_slip_and_the_three_pairs_with_a_reminder_each(
    client_for, hr_admin, organization, slipping
):
    response = client_for(hr_admin).get(url(organization, slipping["programme"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "below 70% for 2 weeks in a row" in body
    assert "The programme is slipping: it started in the period “Week of 2 February 2026”." in body
    assert body.count('name="back" value="health"') == 3
    assert "Met 2 times, last on 20 January 2026: 41 days without a session since." in body
    assert 'id="health-timeline"' in body and "<svg" in body
    assert "Mentor OfP2" in body and "Mentee OfP5" in body and "OfP4" not in body


def test_the_page_s_queries_do_not_grow_with_the_pairs(
    client_for, hr_admin, organization, slipping, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    with django_assert_max_num_queries(14) as captured:
        client.get(url(organization, slipping["programme"]))
    before = len(captured)
    _grow(organization, slipping["programme"], 10)
    with django_assert_max_num_queries(before):
        client.get(url(organization, slipping["programme"]))


def test_a_reminder_sent_from_the_health_page_comes_back_to_it(client_for, hr_admin, organization, slipping):
    pair = slipping["pairs"]["p2"]
    response = client_for(hr_admin).post(
        reverse("nudge_pair", kwargs={"org_slug": organization.slug, "pair_id": pair.pk}), {"back": "health"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(organization, slipping["programme"])
    from dashboards.models import Nudge

    assert Nudge.objects.filter(pair=pair).count() == 1


def test_an_executive_sees_the_timeline_without_any_pair(client_for, executive, organization, slipping):
    response = client_for(executive).get(url(organization, slipping["programme"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="health-timeline"' in body
    assert "pairs-that-matter" not in body
    for name in slipping["pairs"]:
        assert f"Of{name.upper()}" not in body


@pytest.mark.parametrize("role", ["mentor", "mentee", "assistant"])
def test_people_of_pairs_and_assistants_are_refused_the_page(client_for, organization, slipping, role):
    person = member(organization, role, email=f"{role}-health@acme.example")
    assert client_for(person).get(url(organization, slipping["programme"])).status_code == 403


def test_another_organisation_s_member_gets_404(client_for, outsider, organization, slipping):
    assert client_for(outsider).get(url(organization, slipping["programme"])).status_code == 404


def test_hr_s_programme_page_links_to_its_health(client_for, hr_admin, organization, slipping):
    programme = slipping["programme"]
    response = client_for(hr_admin).get(
        reverse("programme_overview", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})
    )
    assert url(organization, programme) in response.content.decode()


def test_the_page_reads_in_french(client_for, hr_admin, organization, slipping):
    hr_admin.language = "fr"
    hr_admin.save()
    body = (
        client_for(hr_admin)
        .get(url(organization, slipping["programme"]), HTTP_ACCEPT_LANGUAGE="fr")
        .content.decode()
    )
    assert "Semaine du 2 février 2026" in body


def _live_at(reference):
    """A pair live at ``reference``, in SQL: started (or, not started, created) by then and not ended."""
    started = Q(started_at__lte=reference) | Q(started_at=None, created_at__lte=reference)
    return started & (Q(ended_at=None) | Q(ended_at__gt=reference))


def test_at_cadence_is_the_dashboard_s_rule_met_within_at_each_week_s_end(slipping):
    """The timeline counts the sessions once for all weeks; it must agree with ``met_within``."""
    from sessions.selectors import met_within

    programme = slipping["programme"]
    Pair.objects.filter(pk=slipping["pairs"]["p3"].pk).update(status=Pair.Status.ENDED, ended_at=at(2, 12))
    timeline = health.programme_health(programme=programme, now=NOW)
    cadence = [{"id": programme.pk, "cadence_days": programme.cadence_days}]
    for bucket in timeline.buckets:
        end = datetime.datetime.combine(
            bucket.end, datetime.time.min, tzinfo=health.zoneinfo.ZoneInfo("Europe/Paris")
        )
        reference = min(end, NOW)
        expected = (
            Pair.objects.filter(programme=programme, status__in=Pair.WITH_A_WORKSPACE)
            .filter(_live_at(reference), met_within(programmes=cadence, reference=reference))
            .count()
        )
        assert bucket.at_cadence == expected, bucket.start
