"""A person whose second factors an organisation's HR reset is told by e-mail, in their own language."""

import pytest

from accounts import mfa
from notifications.mfa import MFA_RESET
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import member

from .helpers import rows, run_dispatcher


# The French of this e-mail's own sentences reaches the catalogue at the merge (translations/h13-mfa.po):
# the French case checks the words the catalogue already holds.
@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Acme reset your two-factor authentication", "Sign in"]), ("fr", ["Se connecter"])],
)
def test_the_member_is_told_once_in_their_language(organization, hr_admin, mailoutbox, language, words):
    person = member(organization, Role.MENTEE, email="lost@acme.example", language=language)
    with tenant_context(organization):
        reset = mfa.reset_mfa(organization=organization, member=person, reset_by=hr_admin, reason="lost")
    [row] = rows(organization, kind=MFA_RESET)
    assert (row.recipient, row.object_id) == (person, reset.pk)

    run_dispatcher()
    run_dispatcher()

    [message] = [message for message in mailoutbox if message.to == ["lost@acme.example"]]
    for word in words:
        assert word in message.subject + message.body
    assert "/accounts/login/" in message.body
    assert "lost" not in message.body.split("\n\n")[0]  # HR's reason stays with the organisation
