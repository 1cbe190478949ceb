"""Where a webhook may go, and the POST itself.

An endpoint is a URL a customer types: it must never reach into our own network (the metadata service
at 169.254.169.254, Redis, PostgreSQL, an internal admin). Its host is resolved and every address checked,
at registration and again at every delivery (DNS may change in between), and the delivery connects to the
very address that was checked, so that a second lookup cannot point it elsewhere (DNS rebinding). Only
``https`` is accepted, with the certificate checked against the host name; redirects are not followed.
``WEBHOOKS_ALLOW_PRIVATE_NETWORKS`` lifts both rules, for a development machine and tests.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from mentoring.outbound import RefusedDestination, addresses, is_public

__all__ = ["RefusedDestination", "Response", "Target", "is_public", "post", "resolve"]

USER_AGENT = "Binome-Webhooks/1"
# What a receiver answers is kept on the row for HR: never more than this of it is read.
MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _allow_private() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS)


def resolve(url: str) -> Target:
    """The URL's parts and the one address to connect to, or ``RefusedDestination`` saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RefusedDestination(_("This is not a valid URL.")) from error
    scheme = (parts.scheme or "").lower()
    if scheme not in ("https", "http"):
        raise RefusedDestination(_("Use an https:// URL."))
    if scheme == "http" and not _allow_private():
        raise RefusedDestination(_("Use an https:// URL: webhooks are never sent in clear text."))
    if parts.username or parts.password:
        raise RefusedDestination(_("Leave user names and passwords out of the URL."))
    host = parts.hostname
    if not host:
        raise RefusedDestination(_("This is not a valid URL."))
    port = port or (443 if scheme == "https" else 80)
    found = addresses(host, port, allow_private=_allow_private())
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, address=found[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Response:
    status: int
    text: str


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """POST ``body`` to ``url`` (checked again now) and return the status and the start of the answer.

    Network errors propagate (``OSError``, ``http.client.HTTPException``); a refused destination raises
    ``RefusedDestination``.
    """
    target = resolve(url)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Content-Length": str(len(body)),
            },
        )
        answer = connection.getresponse()
        text = answer.read(MAX_RESPONSE_BYTES).decode("utf-8", errors="replace")
        return Response(status=answer.status, text=text)
    finally:
        connection.close()
