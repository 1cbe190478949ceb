"""HR's webhook pages: HR admins only (others 403, another organisation 404), the secret shown once,
deliveries listed with their last error, resend, and every change in the audit trail."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from organizations.audit import Action
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context
from pairing import services as pairing
from tests.factories import PairFactory
from webhooks.events import Event
from webhooks.models import Endpoint


@pytest.fixture
def endpoint(organization, receiver, make_endpoint):
    return make_endpoint(organization, receiver.url, events=[Event.PAIR_ENDED])


# The session, the user with the memberships and their organisations (one read), the endpoints and their
# delivery counts: the same for one endpoint or many.
LIST_QUERIES = 4


def _url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


@pytest.mark.parametrize("persona", ["executive", "mentor_user", "mentee_user"])
def test_only_hr_admins_reach_the_webhook_pages(request, organization, endpoint, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in [
        _url("webhooks", organization),
        _url("webhook_create", organization),
        _url("webhook_detail", organization, endpoint_id=endpoint.pk),
    ]:
        assert client.get(url).status_code == 403


def test_another_organisations_hr_admin_gets_404(
    organization, other_organization, endpoint, client_for, outsider
):
    client = client_for(outsider)
    assert client.get(_url("webhooks", organization)).status_code == 404
    assert client.get(_url("webhook_detail", organization, endpoint_id=endpoint.pk)).status_code == 404
    other = _url("webhook_detail", other_organization, endpoint_id=endpoint.pk)
    assert client.get(other).status_code == 404, "an endpoint is looked up within the organisation"


def test_hr_registers_an_endpoint_and_sees_its_secret_once(organization, client_for, hr_admin, receiver):
    client = client_for(hr_admin)
    response = client.post(
        _url("webhook_create", organization),
        {"url": receiver.url, "description": "HRIS", "events": [Event.PAIR_ENDED, Event.SESSION_HELD]},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    with tenant_context(organization):
        endpoint = Endpoint.objects.get()
        assert endpoint.events == [Event.PAIR_ENDED, Event.SESSION_HELD]
        assert secret not in endpoint.secret, "stored encrypted"
        assert AuditEvent.objects.filter(action=Action.WEBHOOK_CREATED).count() == 1
    page = client.get(_url("webhook_detail", organization, endpoint_id=endpoint.pk)).content.decode()
    assert secret not in page and endpoint.secret_hint in page


def test_the_form_refuses_a_private_address_with_a_message(organization, client_for, hr_admin, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    response = client_for(hr_admin).post(
        _url("webhook_create", organization), {"url": "https://127.0.0.1/x", "events": [Event.PAIR_ENDED]}
    )
    assert response.status_code == 400
    assert "private or internal network" in response.content.decode()


def test_hr_pauses_an_endpoint_and_the_change_is_audited(organization, endpoint, client_for, hr_admin):
    response = client_for(hr_admin).post(
        _url("webhook_detail", organization, endpoint_id=endpoint.pk),
        {"url": endpoint.url, "description": "", "events": [Event.PAIR_ENDED]},
    )
    assert response.status_code == 302
    with tenant_context(organization):
        endpoint.refresh_from_db()
        event = AuditEvent.objects.get(action=Action.WEBHOOK_CHANGED)
    assert not endpoint.is_active
    assert event.details["changed"]["is_active"] == {"from": True, "to": False}


def test_a_failed_delivery_shows_its_last_error_and_is_resent(
    organization, endpoint, receiver, client_for, hr_admin, django_capture_on_commit_callbacks
):
    receiver.answers = [500] * 3
    pair = PairFactory(organization=organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    with tenant_context(organization):
        Notification.objects.update(status=Notification.Status.FAILED)
        delivery = Notification.objects.get(channel=Notification.Channel.WEBHOOK)
    client = client_for(hr_admin)
    page = client.get(_url("webhook_detail", organization, endpoint_id=endpoint.pk) + "?status=failed")
    assert "HTTP 500" in page.content.decode()
    receiver.answers = []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("webhook_resend", organization, endpoint_id=endpoint.pk, delivery_id=delivery.pk)
        )
    assert response.status_code == 302
    with tenant_context(organization):
        delivery.refresh_from_db()
        assert AuditEvent.objects.filter(action=Action.WEBHOOK_RESENT).count() == 1
    assert delivery.status == "sent"


def test_hr_rotates_the_secret_and_removes_the_endpoint(organization, endpoint, client_for, hr_admin):
    client = client_for(hr_admin)
    response = client.post(_url("webhook_rotate", organization, endpoint_id=endpoint.pk))
    assert response.status_code == 200 and response.context["secret"] != endpoint.plain_secret
    assert client.post(_url("webhook_delete", organization, endpoint_id=endpoint.pk)).status_code == 302
    with tenant_context(organization):
        assert not Endpoint.objects.exists()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {Action.WEBHOOK_CHANGED, Action.WEBHOOK_DELETED} <= actions


def test_the_list_costs_the_same_queries_whatever_the_number_of_endpoints(
    organization, client_for, hr_admin, make_endpoint, receiver, django_assert_num_queries
):
    client = client_for(hr_admin)
    make_endpoint(organization, receiver.url)
    client.get(_url("webhooks", organization))
    for count in (1, 6):
        while len(_endpoints(organization)) < count:
            make_endpoint(organization, receiver.url)
        with django_assert_num_queries(LIST_QUERIES):
            assert client.get(_url("webhooks", organization)).status_code == 200


def _endpoints(organization):
    with tenant_context(organization):
        return list(Endpoint.objects.all())
