"""The README's ten lines of Python verify a real delivery, and refuse a forged or stale one."""

import re
import time
from pathlib import Path

import pytest

from organizations.tenancy import tenant_context
from pairing import services as pairing
from tests.factories import PairFactory
from webhooks import services

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verify():
    section = README.read_text().split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    assert len(snippet.strip().splitlines()) <= 10
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 - the README's own snippet, run as a reader would
    return namespace["verify"]


@pytest.fixture
def delivered(organization, receiver, make_endpoint, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(organization, receiver.url)
    pair = PairFactory(organization=organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    assert len(receiver.deliveries) == 1
    return endpoint, receiver.deliveries[0]


def test_the_readme_snippet_verifies_a_real_delivery(delivered):
    endpoint, delivery = delivered
    assert readme_verify()(endpoint.plain_secret, delivery.headers["Binome-Signature"], delivery.body)


def test_the_readme_snippet_refuses_another_secret_or_a_changed_body(delivered):
    endpoint, delivery = delivered
    verify = readme_verify()
    header = delivery.headers["Binome-Signature"]
    assert not verify("whsec_not-the-secret", header, delivery.body)
    assert not verify(endpoint.plain_secret, header, delivery.body.replace(b"ended", b"active"))


def test_the_readme_snippet_refuses_an_old_delivery(delivered):
    endpoint, delivery = delivered
    header = delivery.headers["Binome-Signature"]
    assert re.match(r"^t=\d+,v1=[0-9a-f]{64}$", header)
    stamp = int(header.split(",")[0][2:])
    assert abs(stamp - time.time()) < 60
    assert not readme_verify()(endpoint.plain_secret, header, delivery.body, tolerance=-1)


def test_after_a_rotation_both_secrets_verify_for_a_while(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, hr_admin
):
    endpoint = make_endpoint(organization, receiver.url)
    with tenant_context(organization):
        rotated = services.rotate_secret(endpoint=endpoint, by=hr_admin)
    pair = PairFactory(organization=organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    delivery = receiver.deliveries[0]
    header = delivery.headers["Binome-Signature"]
    assert header.count("v1=") == 2
    verify = readme_verify()
    assert verify(rotated.secret, header, delivery.body)
    assert verify(endpoint.plain_secret, header, delivery.body)
    assert rotated.secret != endpoint.plain_secret
