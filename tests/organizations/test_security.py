import os
import subprocess
import sys
from pathlib import Path

from tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_every_html_page_has_a_content_security_policy_without_inline_scripts(client, hr_admin, organization):
    client.force_login(hr_admin)
    for path in ["/", f"/o/{organization.slug}/", f"/o/{organization.slug}/members/", "/accounts/login/"]:
        response = client.get(path, follow=True)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        body = response.content.decode()
        assert "<script>" not in body and "onclick=" not in body, path


def test_the_eleventh_failed_sign_in_within_a_minute_is_refused(client, db):
    UserFactory(email="target@acme.example")
    for attempt in range(10):
        response = client.post(
            "/accounts/login/", {"login": f"someone{attempt}@acme.example", "password": "wrong-password"}
        )
        assert "Too many failed login attempts" not in response.content.decode()
    # The eleventh attempt is refused even with the right password: the IP is throttled.
    response = client.post("/accounts/login/", {"login": "target@acme.example", "password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deploy_check_reports_nothing_with_production_settings(tmp_path):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch: production never has it.
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": "p" * 30 + "Zq8$#kL!x2Vb7&mN0rT5wY9uI3oE6aS1dF4gH",
        "SECURE_SSL": "true",
        "ALLOWED_HOSTS": "binome.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    # The browser tests' conftest sets this for Playwright; production never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_django_admin_is_for_platform_staff_only(client, hr_admin):
    client.force_login(hr_admin)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
