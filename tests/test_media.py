"""Uploaded files are never public: no URL serves MEDIA_ROOT, whatever DEBUG says."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import mentoring.urls

from . import files


@pytest.fixture
def debug_urls():
    """The project's URLs as they are built with DEBUG on (urls.py reads DEBUG at import)."""
    with override_settings(DEBUG=True):
        importlib.reload(mentoring.urls)
        clear_url_caches()
        yield
    importlib.reload(mentoring.urls)
    clear_url_caches()


def test_it_serves_no_upload_to_a_signed_out_visitor_with_debug_on(
    client, db, settings, tmp_path, debug_urls
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "programmes" / "resources").mkdir(parents=True)
    (tmp_path / "programmes" / "resources" / "guide.pdf").write_bytes(files.PDF)
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "logo.png").write_bytes(files.png())
    for path in ["/media/programmes/resources/guide.pdf", "/media/logos/logo.png"]:
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404


def test_no_static_file_directory_holds_the_uploads():
    media = Path(settings.MEDIA_ROOT).resolve()
    served = [settings.STATIC_ROOT, getattr(settings, "WHITENOISE_ROOT", None)]
    served += [entry[1] if isinstance(entry, tuple) else entry for entry in settings.STATICFILES_DIRS]
    for directory in filter(None, served):
        directory = Path(directory).resolve()
        assert not media.is_relative_to(directory) and not directory.is_relative_to(media)
    assert not settings.MEDIA_URL.startswith(settings.STATIC_URL)
