from django.core.management import call_command

from organizations.models import Organization
from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions.models import Session


def test_the_demo_gives_the_dashboard_figures_to_show(db, client):
    call_command("seed_demo")
    call_command("seed_demo")
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        assert Pair.objects.filter(status=Pair.Status.ACTIVE).count() >= 5
        sessions = Session.objects.count()
    assert sessions > 40
    from accounts.models import User

    client.force_login(User.objects.get(email="direction@demo.binome.example"))
    board = client.get("/o/demo/dashboard/").context["board"]
    assert board.participation["enrolled"].shown and board.participation["enrolled"].value >= 10
    assert board.sessions["held"].shown
