"""The real OpenID Connect provider the SSO tests sign in through (tests/idp/oidc_provider.mjs).

``OIDCProvider.start()`` runs the Node script on a free loopback port; a test registers its client
(standard dynamic registration) and says which people the IdP knows. ``walk_to_callback`` drives the
IdP's sign-in page with ``requests`` for client tests; browser tests let Chromium do it.
"""

import json
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
ROOT = SCRIPT.parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OIDCProvider:
    def __init__(self, process: subprocess.Popen, issuer: str, token: str):
        self.process = process
        self.issuer = issuer
        self.token = token

    @classmethod
    def available(cls) -> bool:
        return shutil.which("node") is not None and (ROOT / "node_modules" / "oidc-provider").exists()

    @classmethod
    def start(cls) -> "OIDCProvider":
        port, token = _free_port(), secrets.token_urlsafe(24)
        process = subprocess.Popen(
            ["node", str(SCRIPT), str(port), token],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = process.stdout.readline()
        if not line.startswith("ready "):
            process.kill()
            raise RuntimeError(f"the OIDC provider did not start: {line!r}")
        provider = cls(process, line.split()[1], token)
        for _ in range(50):
            try:
                requests.get(
                    f"{provider.issuer}/.well-known/openid-configuration", timeout=1
                ).raise_for_status()
                return provider
            except requests.RequestException:
                time.sleep(0.1)
        provider.stop()
        raise RuntimeError("the OIDC provider does not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def register_client(self, redirect_uris: list[str]) -> tuple[str, str]:
        response = requests.post(
            f"{self.issuer}/reg",
            headers={"Authorization": f"Bearer {self.token}"},
            json={"redirect_uris": redirect_uris, "token_endpoint_auth_method": "client_secret_post"},
            timeout=5,
        )
        response.raise_for_status()
        client = response.json()
        return client["client_id"], client["client_secret"]

    def set_accounts(self, accounts: dict[str, dict]) -> None:
        """``{login: claims}``: who can sign in at the IdP, and what it says about them (``sub`` included)."""
        response = requests.post(
            f"{self.issuer}/_test/accounts",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            data=json.dumps(accounts),
            timeout=5,
        )
        response.raise_for_status()

    def walk_to_callback(self, authorize_url: str, login: str) -> str:
        """Sign ``login`` in at the IdP from ``authorize_url``; the URL it sends the browser back to."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=5)
            if response.status_code == 200 and "/interaction/" in url:
                response = browser.post(url, data={"login": login}, allow_redirects=False, timeout=5)
            location = response.headers.get("Location")
            if not location:
                raise AssertionError(
                    f"the IdP stopped at {url}: {response.status_code} {response.text[:300]}"
                )
            url = urljoin(url, location)
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("the IdP redirected too many times")
