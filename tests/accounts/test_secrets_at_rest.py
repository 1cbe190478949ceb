"""The secrets the server reads back (an IdP's client secret, the SAML signing key) are encrypted in the
database: a dump or a backup does not carry them in clear, and rotating SECRET_KEY loses none of them."""

import pytest
from django.db import connection

from accounts import saml
from accounts.models import IdentityProvider
from mentoring import encryption
from organizations.tenancy import tenant_context, unscoped

pytestmark = pytest.mark.django_db


def _raw(provider, column):
    with unscoped("the test reads the stored bytes"), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_identityprovider WHERE id = %s", [provider.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def provider(organization):
    with tenant_context(organization):
        return IdentityProvider.objects.create(
            organization=organization,
            name="Acme Entra",
            server_url="https://login.acme.example/tenant",
            client_id="binome",
            client_secret="s3cret-client-value",
            enabled=True,
        )


def test_the_client_secret_is_stored_encrypted_and_read_back_in_clear(provider, organization):
    stored = _raw(provider, "client_secret")

    assert "s3cret-client-value" not in stored
    assert encryption.decrypt(stored, purpose="binome.accounts.oidc-client-secret") == "s3cret-client-value"
    with tenant_context(organization):
        assert IdentityProvider.objects.get().client_secret == "s3cret-client-value"
        assert IdentityProvider.objects.values_list("client_secret", flat=True).get() == "s3cret-client-value"


def test_the_saml_signing_key_is_stored_encrypted(organization):
    with tenant_context(organization):
        provider = IdentityProvider.objects.create(
            organization=organization, name="Acme SSO", protocol=IdentityProvider.Protocol.SAML
        )
        provider = saml.ensure_sp_key_pair(provider=provider)

    assert provider.sp_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    stored = _raw(provider, "sp_private_key")
    assert "PRIVATE KEY" not in stored
    assert encryption.decrypt(stored, purpose="binome.accounts.saml-sp-key") == provider.sp_private_key
    # Made once: a second call finds the stored pair (the empty-key condition still filters).
    with tenant_context(organization):
        again = saml.ensure_sp_key_pair(provider=IdentityProvider.objects.get(pk=provider.pk))
    assert again.sp_private_key == provider.sp_private_key


def test_one_purpose_never_decrypts_another(provider):
    stored = _raw(provider, "client_secret")

    with pytest.raises(encryption.InvalidToken):
        encryption.decrypt(stored, purpose="binome.webhooks")


def test_a_rotated_secret_key_still_reads_the_secrets(provider, organization, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old]

    with tenant_context(organization):
        assert IdentityProvider.objects.get().client_secret == "s3cret-client-value"


def test_an_empty_secret_stays_empty(organization):
    with tenant_context(organization):
        provider = IdentityProvider.objects.create(
            organization=organization, name="Acme", server_url="https://a.example"
        )

    assert _raw(provider, "client_secret") == ""
