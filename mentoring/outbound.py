"""Connections to URLs that customers type: never into our own network.

HR types a webhook endpoint, an OpenID Connect issuer or a SAML metadata URL, and the server connects to it.
Left alone, such a URL reaches what only the server can reach (the cloud metadata service at
169.254.169.254, Redis, PostgreSQL, an internal admin): server-side request forgery. Every such connection
goes to a public address only. The check is made on the address actually connected to, at every
connection (redirects included, and after any DNS change: a name that resolved to a public address when
HR saved it may point inside later). A deployment whose identity provider lives on its intranet (ADFS)
lifts the rule with a setting, as a developer machine and the tests do.
"""

from __future__ import annotations

import ipaddress
import socket

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class RefusedDestination(Exception):  # noqa: N818 - a refusal, shown to HR as it is
    """The URL may not be connected to (scheme, host, or an address inside a private network)."""


class Unresolvable(RefusedDestination):
    """The host name has no address (yet): nothing to connect to, hence nothing it could reach inside."""


class RefusedConnection(RefusedDestination, requests.exceptions.ConnectionError):
    """Raised inside a guarded ``requests`` session: callers that handle network errors handle it too."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def private_network_refusal(host: str) -> str:
    return _(
        "%(host)s points to a private or internal network address: Binôme only connects to the internet."
    ) % {"host": host}


def addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Every address ``host`` has, or ``RefusedDestination`` if it has none or one of them is private.

    Every address, not only the first: a name with one public and one private address would reach inside
    the network on the day the order changes.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise Unresolvable(_("The host name %(host)s does not resolve.") % {"host": host}) from error
    found = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not found:
        raise Unresolvable(_("The host name %(host)s does not resolve.") % {"host": host})
    if not allow_private and not all(is_public(address) for address in found):
        raise RefusedDestination(private_network_refusal(host))
    return found


class _CheckedPeer:
    """A urllib3 connection that refuses a private peer once connected, before a byte is sent."""

    allow_private = False

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not self.allow_private and not is_public(peer):
            sock.close()
            raise RefusedConnection(private_network_refusal(self.host))  # type: ignore[attr-defined]
        return sock


def refusal_in(error: BaseException) -> RefusedDestination | None:
    """The refusal behind a network error, if that is what it was: urllib3 and requests wrap it in theirs."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, RefusedDestination):
            return current
        pending.extend([*current.args, current.__cause__, current.__context__])
    return None


class GuardedAdapter(HTTPAdapter):
    def __init__(self, *, allow_private: bool, **kwargs):
        self.allow_private = allow_private
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        flag = {"allow_private": self.allow_private}
        http = type("GuardedHTTPConnection", (_CheckedPeer, HTTPConnection), flag)
        https = type("GuardedHTTPSConnection", (_CheckedPeer, HTTPSConnection), flag)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }


def guarded_session(*, allow_private: bool, timeout: float) -> requests.Session:
    """A ``requests`` session whose every connection (redirects included) goes to a public address only."""
    session = requests.Session()
    # A proxy from the environment would be the peer checked, and it sits inside the network by nature.
    session.trust_env = False
    for scheme in ("http://", "https://"):
        session.mount(scheme, GuardedAdapter(allow_private=allow_private))
    original = session.request

    def request(method, url, **kwargs):
        kwargs.setdefault("timeout", timeout)
        return original(method, url, **kwargs)

    session.request = request  # type: ignore[method-assign]
    return session
