"""Every request the server makes to an identity provider: discovery, tokens, user info, SAML metadata.

The URLs come from what HR typed on the SSO page and from the provider's own discovery document (its token
endpoint): each connection, redirects included, goes to a public address only (mentoring/outbound.py),
unless ``SSO_ALLOW_PRIVATE_NETWORKS`` says the identity provider lives on the company's own network.
"""

import requests
from django.conf import settings

from mentoring.outbound import guarded_session


def sso_session() -> requests.Session:
    return guarded_session(
        allow_private=settings.SSO_ALLOW_PRIVATE_NETWORKS, timeout=settings.SOCIALACCOUNT_REQUESTS_TIMEOUT
    )
