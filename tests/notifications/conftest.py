import pytest

from .smtp import SMTPServer


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 and a free port, accepting; the test switches its mode at will."""
    with SMTPServer() as server:
        yield server


@pytest.fixture
def smtp_settings(settings):
    """Point this process's e-mail at a server (``smtp_settings(smtp_server)``), with a short timeout."""

    def point_at(server, timeout=2):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = timeout

    return point_at
