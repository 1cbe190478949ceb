"""The suite hashes passwords with MD5 for speed (tests/conftest.py); production keeps a slow hasher."""

from django.conf import global_settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

import mentoring.settings as project_settings
from tests.conftest import FAST_HASHER


def test_the_project_settings_never_use_the_tests_fast_hasher():
    hashers = getattr(project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert FAST_HASHER not in hashers


def test_outside_the_tests_a_password_is_hashed_with_pbkdf2(settings):
    settings.PASSWORD_HASHERS = getattr(
        project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS
    )
    encoded = make_password("binome-test-password-42")
    assert identify_hasher(encoded).algorithm == "pbkdf2_sha256"
    assert check_password("binome-test-password-42", encoded)
    assert not check_password("binome-test-password-43", encoded)


def test_the_suite_hashes_with_md5():
    assert identify_hasher(make_password("binome-test-password-42")).algorithm == "md5"
