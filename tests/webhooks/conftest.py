import pytest

from organizations.tenancy import tenant_context
from webhooks import services
from webhooks.events import Event

from .receiver import Receiver


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_endpoint(hr_admin):
    def make(organization, url, events=tuple(Event.values), **fields):
        with tenant_context(organization):
            created = services.create_endpoint(
                organization=organization, url=url, events=events, created_by=hr_admin, **fields
            )
        created.endpoint.plain_secret = created.secret
        return created.endpoint

    return make
