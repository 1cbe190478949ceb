"""Secrets the server must read back (an OpenID client secret, a SAML signing key, a webhook's signing
secret), kept encrypted in the database, so that a dump or a backup does not carry them in clear.

Fernet (AES-128-CBC and HMAC-SHA256) with a key derived from ``SECRET_KEY`` and a purpose, so that one
purpose's ciphertext never decrypts as another's. A key in ``SECRET_KEY_FALLBACKS`` still decrypts: rotating
Django's key loses nothing, and values are re-encrypted with the new key when next saved.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

__all__ = ["EncryptedTextField", "InvalidToken", "decrypt", "encrypt"]


def _fernet(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{key}".encode()).digest()))
            for key in keys
        ]
    )


def encrypt(value: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str) -> str:
    return _fernet(purpose).decrypt(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted and read back in clear; an empty value stays empty (and can be filtered on).

    Any other lookup on it is meaningless (each encryption differs), which is as it should be for a secret.
    """

    def __init__(self, *args, purpose: str, **kwargs):
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, purpose=self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value, purpose=self.purpose)
