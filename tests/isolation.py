"""How the organisation isolation test makes a value for each URL keyword argument.

``SAMPLES`` maps a URL keyword (``invitation_id``, ``pair_id``...) to a function that creates an
object in the given organisation and returns the value to put in the URL. Apps add theirs in
``tests/<app>/isolation.py`` (a ``SAMPLES`` dict there is merged in). A URL with a keyword nobody
knows how to fill makes the isolation test fail, so every new page is covered.
"""

from organizations.roles import Role
from tests.factories import InvitationFactory, member

# Text that every sample object of the foreign organisation carries: it must never show to outsiders.
FOREIGN_MARKER = "Zorglub"


def _invitation_id(organization):
    return InvitationFactory(organization=organization, email=f"{FOREIGN_MARKER.lower()}@globex.example").pk


def _user_id(organization):
    return member(organization, Role.MENTEE, first_name=FOREIGN_MARKER, last_name=FOREIGN_MARKER).pk


SAMPLES = {
    "invitation_id": _invitation_id,
    "user_id": _user_id,
    "role": lambda organization: Role.MENTEE,
}

# URLs outside /o/<slug>/ that take a secret token: the token is the credential, tested on its own.
CAPABILITY_URLS = {
    "invitation_accept": "tests/organizations/test_invitations.py",
    "account_confirm_email": "allauth's e-mail confirmation key",
    "account_reset_password_from_key": "allauth's password reset key",
}
