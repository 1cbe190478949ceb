import datetime

import time_machine
from django import forms
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from organizations.roles import Role
from organizations.tenancy import tenant_context
from organizations.timezones import TimeZoneField, canonical_zones, zone_label, zones_in_use
from tests.factories import member

WINTER = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)
SUMMER = datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)


class ZoneForm(forms.Form):
    time_zone = TimeZoneField(suggest=["Asia/Tokyo"])


def _suggested(field):
    (label, options), *_regions = field.choices
    return [value for value, _label in options]


def test_the_list_holds_canonical_zones_and_leaves_out_deprecated_aliases():
    zones = canonical_zones()
    assert {"Europe/Paris", "Europe/Kyiv", "Europe/Oslo", "Asia/Kolkata", "America/Toronto"} <= set(zones)
    assert not {"US/Eastern", "Europe/Kiev", "Asia/Calcutta", "CET", "EST5EDT", "Etc/GMT+2"} & set(zones)
    assert 400 < len(zones) < 430  # tzdata's zone.tab, against 553 names in the old list


def test_a_zone_reads_as_its_city_and_current_offset():
    with time_machine.travel(WINTER):
        assert zone_label("Europe/Paris") == "Paris (UTC+01:00)"
        assert zone_label("America/Argentina/Buenos_Aires") == "Buenos Aires, Argentina (UTC-03:00)"
        assert zone_label("Asia/Kolkata") == "Kolkata (UTC+05:30)"
    with time_machine.travel(SUMMER):
        assert zone_label("Europe/Paris") == "Paris (UTC+02:00)"


def test_the_label_is_translatable():
    with time_machine.travel(WINTER), translation.override("fr"):
        assert "Paris" in zone_label("Europe/Paris")


def test_the_suggested_zones_come_first_then_the_regions():
    field = ZoneForm().fields["time_zone"]
    assert _suggested(field)[:3] == ["Asia/Tokyo", "Europe/Paris", "Europe/London"]
    regions = [str(label) for label, _options in field.choices[1:]]
    assert regions[:3] == ["Africa", "Americas", "Antarctica"] and "Europe" in regions


def test_it_accepts_every_zone_and_an_old_stored_alias_but_not_unknown_names():
    assert ZoneForm({"time_zone": "Europe/Paris"}).is_valid()
    assert ZoneForm({"time_zone": "Europe/Kiev"}).is_valid()
    assert not ZoneForm({"time_zone": "Mars/Olympus_Mons"}).is_valid()
    assert not ZoneForm({"time_zone": "CET"}).is_valid()  # never a choice of the models


def test_an_old_stored_alias_is_shown_selected():
    html = str(ZoneForm(initial={"time_zone": "Europe/Kiev"})["time_zone"])
    assert '<option value="Europe/Kiev" selected' in html


def test_each_option_carries_its_search_text_and_the_select_its_filter_label():
    html = str(ZoneForm()["time_zone"])
    assert "data-timezone-picker" in html and 'data-filter-label="Search time zones"' in html
    assert 'data-search="america/argentina/buenos_aires buenos aires, argentina"' in html


def test_the_organisations_zone_and_its_peoples_zones_are_suggested(organization):
    organization.time_zone = "Europe/Brussels"
    organization.save()
    member(organization, Role.MENTEE, email="tokyo@acme.example", time_zone="Asia/Tokyo")
    member(organization, Role.MENTOR, email="paris@acme.example", time_zone="Europe/Paris")
    member(organization, Role.MENTOR, email="paris2@acme.example", time_zone="Europe/Paris")
    assert zones_in_use(organization) == ["Europe/Brussels", "Europe/Paris", "Asia/Tokyo"]


def test_the_preferences_page_offers_my_organisations_zone_first(client_for, mentee_user, organization):
    organization.time_zone = "America/Toronto"
    organization.save()
    html = client_for(mentee_user).get(reverse("preferences")).content.decode()
    suggested = html.split('<optgroup label="Suggested">')[1].split("</optgroup>")[0]
    assert suggested.index("America/Toronto") < suggested.index("Europe/Paris")


def test_the_preferences_page_keeps_an_old_alias(client_for, mentee_user):
    User.objects.filter(pk=mentee_user.pk).update(time_zone="Europe/Kiev")
    client = client_for(mentee_user)
    assert '<option value="Europe/Kiev" selected' in client.get(reverse("preferences")).content.decode()
    data = {"first_name": "Jean", "last_name": "Durand", "language": "en", "time_zone": "Europe/Kiev"}
    assert client.post(reverse("preferences"), data).status_code == 302
    assert User.objects.get(pk=mentee_user.pk).time_zone == "Europe/Kiev"


def test_the_scheduling_form_suggests_the_two_peoples_zones(organization, mentor_user, mentee_user):
    from sessions.forms import SessionForm
    from tests.factories import PairFactory

    User.objects.filter(pk=mentor_user.pk).update(time_zone="Asia/Singapore")
    with tenant_context(organization):
        pair = PairFactory(organization=organization, mentor__user=mentor_user, mentee__user=mentee_user)
        pair.mentor.user.refresh_from_db()
        form = SessionForm(pair=pair, user=mentee_user)
    assert _suggested(form.fields["time_zone"])[:2] == ["Asia/Singapore", "Europe/Paris"]
