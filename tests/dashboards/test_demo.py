from django.core.management import call_command

from accounts.models import User
from organizations.models import Organization
from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Programme
from sessions.models import Session
from surveys.models import Answer


def _seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return Organization.objects.get(slug="demo")


def _board(client, query=""):
    client.force_login(User.objects.get(email="direction@demo.binome.example"))
    return client.get(f"/o/demo/dashboard/{query}").context["board"]


def test_the_demo_gives_the_dashboard_figures_to_show(db, client):
    organization = _seed()
    with tenant_context(organization):
        assert Pair.objects.filter(status=Pair.Status.ACTIVE).count() >= 5
        sessions = Session.objects.count()
    assert sessions > 40
    board = _board(client)
    assert board.participation["enrolled"].shown and board.participation["enrolled"].value >= 10
    assert board.sessions["held"].shown


def test_the_demo_shows_every_impact_figure_of_the_dashboard(db, client):
    _seed()
    impact = _board(client).impact
    assert impact["goals"]["figures"]["average"].shown and impact["goals"]["figures"]["not_started"].value
    assert impact["usefulness"]["average"].shown
    for audience in ("mentee", "mentor"):
        shown = [entry for entry in impact["skills"][audience] if not entry["hidden"]]
        assert len(shown) >= 3
        assert sum(entry["gain"] for entry in shown) > 0
    assert not impact["practices"]["hidden"] and len(impact["practices"]["choices"]) >= 3
    assert impact["scales"] and not any(entry["hidden"] for entry in impact["scales"])
    assert impact["nps"]["score"].shown and impact["nps"]["score"].value > 0
    rates = impact["response_rates"]
    assert len(rates) == 3 and all(not entry["hidden"] and 50 < entry["rate"] < 100 for entry in rates)
    assert impact["comments"]["shown"] and len(impact["comments"]["comments"]) >= 5


def test_the_demo_dashboard_quotes_only_the_comments_shared_anonymously(db, client):
    organization = _seed()
    with tenant_context(organization):
        private = list(
            Answer.objects.filter(question__type="text", shared_anonymously=False).values_list(
                "text", flat=True
            )
        )
    quoted = [comment["text"] for comment in _board(client).impact["comments"]["comments"]]
    assert private and quoted and not set(private) & set(quoted)


def test_a_department_of_the_pilot_has_its_figures_and_the_smallest_stays_hidden(db, client):
    organization = _seed()
    with tenant_context(organization):
        pilot = Programme.objects.get(name="Programme pilote 2026")
    finance = _board(client, f"?programme={pilot.pk}&department=Direction+financi%C3%A8re")
    assert finance.participation["enrolled"].value == 6
    assert finance.sessions["held"].shown and finance.sessions["held"].value > 0
    assert all(not month["hidden"] for month in finance.months)
    general = _board(client, "?department=Direction+g%C3%A9n%C3%A9rale")
    assert general.participation["enrolled"].hidden and general.sessions["held"].hidden
    assert not general.impact["comments"]["shown"]


def test_the_demo_gives_hr_a_few_pairs_to_follow_and_surveys_pending(db, client):
    _seed()
    client.force_login(User.objects.get(email="rh@demo.binome.example"))
    context = client.get("/o/demo/dashboard/operations/").context
    reasons = {
        pair.mentor.user.email.split("@")[0]: [
            reason for reason in ("no_recent_session", "overdue_logs", "low_rating") if getattr(pair, reason)
        ]
        for pair in context["pairs"]
    }
    assert reasons["ines.petit"] == ["no_recent_session"]
    assert "overdue_logs" in reasons["hugo.bernard"]
    assert "low_rating" in reasons["tom.moreau"]
    assert len(reasons) <= 5  # of nineteen pairs: every other pair meets regularly
    assert sum(row["pending"] for row in context["pending_surveys"]) > 0


def test_the_demo_shows_skills_before_and_after_from_both_sides(db, client):
    """The pilot's mentees rated themselves at the start and halfway, their mentors after the first
    sessions and halfway: changes with intervals and both gaps are shown for some skills."""
    _seed()
    before_after = _board(client).impact["before_after"]
    entries = [entry for programme in before_after for entry in programme.skills]
    shown = [entry for entry in entries if not entry.hidden]
    assert shown and all(entry.low is not None and entry.low <= entry.change <= entry.high for entry in shown)
    assert any(entry.gap_start.shown for entry in entries)
    assert any(entry.gap_end.shown for entry in entries)
    assert any(not programme.practices.hidden for programme in before_after)
