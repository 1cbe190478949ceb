"""Endpoint secrets: generated here, stored encrypted, and the signature every delivery carries.

A signing secret must be read back to sign (unlike an API key, which is only compared), so it is kept
encrypted (mentoring/encryption.py: a key derived from ``SECRET_KEY``; a key in ``SECRET_KEY_FALLBACKS``
still decrypts, so rotating Django's key does not lose the endpoints' secrets).
"""

import hashlib
import hmac
import secrets

from mentoring import encryption

PREFIX = "whsec_"
SIGNATURE_HEADER = "Binome-Signature"
EVENT_ID_HEADER = "Binome-Event-Id"
EVENT_TYPE_HEADER = "Binome-Event"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


PURPOSE = "binome.webhooks"


def encrypt(secret: str) -> str:
    return encryption.encrypt(secret, purpose=PURPOSE)


def decrypt(token: str) -> str:
    return encryption.decrypt(token, purpose=PURPOSE)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``<timestamp>.<body>`` with the secret, in hex."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets_: list[str], timestamp: int, body: bytes) -> str:
    """``t=<unix>,v1=<hex>``, with one ``v1`` per secret (the new one first, after a rotation)."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets_)])
