"""403, 404, 500 and CSRF-failure pages: in the layout, translated, each with a way back.

403 and CSRF failures are the product's own pages whatever DEBUG says (Django renders them the same);
404 is the product's page with DEBUG on too (``make run``); 500 is shown with DEBUG off, as in production
(with DEBUG on Django's technical page helps the developer). A signed-in person keeps their organisation's navigation on every one of them.
"""

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from mentoring import urls as project_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


def _ok(request):
    return HttpResponse("ok")


# A project URLconf with one failing view: the 500 handler is the project's own, declared in mentoring.urls.
urlpatterns = [path("boom/", _boom), path("", include(project_urls))]
handler500 = project_urls.handler500


def _body(response):
    return response.content.decode()


def test_an_executive_on_an_hr_page_gets_the_403_page_with_the_organisation_navigation(
    client_for, executive, organization
):
    response = client_for(executive).get(f"/o/{organization.slug}/members/")
    assert response.status_code == 403
    body = _body(response)
    assert "This page is not open to you" in body
    assert 'id="main-nav"' in body and "Dashboard" in body
    assert f'href="/o/{organization.slug}/"' in body  # the way back
    assert "<title>This page is not open to you · Binôme</title>" in body


def test_the_403_page_is_the_products_own_with_debug_on(client_for, executive, organization, settings):
    settings.DEBUG = True
    response = client_for(executive).get(f"/o/{organization.slug}/members/")
    assert response.status_code == 403
    assert "This page is not open to you" in _body(response)


def test_the_403_page_reads_french(client_for, executive, organization):
    executive.language = "fr"
    executive.save()
    response = client_for(executive).get(f"/o/{organization.slug}/members/")
    assert response.status_code == 403
    body = _body(response)
    assert '<html lang="fr">' in body
    assert "Cette page ne vous est pas ouverte" in body
    assert "Retour à Acme" in body


def test_the_404_page_keeps_the_members_own_navigation_and_says_nothing_of_the_other_organisation(
    client_for, hr_admin, organization, other_organization, settings
):
    settings.DEBUG = False
    other_organization.name = "Globex Zorglub"
    other_organization.save()
    response = client_for(hr_admin).get(f"/o/{other_organization.slug}/members/")
    assert response.status_code == 404
    body = _body(response)
    assert "Page not found" in body
    assert "Zorglub" not in body
    assert f'href="/o/{organization.slug}/members/"' in body  # Acme's navigation, where they work
    assert "Back to Acme" in body


def test_a_signed_out_visitor_gets_the_404_page_with_a_way_home(client, settings):
    settings.DEBUG = False
    response = client.get("/nowhere/")
    assert response.status_code == 404
    body = _body(response)
    assert "Page not found" in body
    assert 'href="/"' in body and "Back to Binôme" in body
    assert 'id="main-nav"' in body


def test_with_debug_on_a_missing_page_is_still_the_products_page(client, client_for, hr_admin, settings):
    settings.DEBUG = True
    unknown_address = client.get("/nowhere/")  # the URL resolver's 404
    missing_object = client_for(hr_admin).get("/o/no-such-organisation/members/")  # a view's Http404
    for response in (unknown_address, missing_object):
        assert response.status_code == 404
        body = _body(response)
        assert "Page not found" in body
        assert "URLconf" not in body and "Raised by" not in body


def test_a_server_error_shows_the_500_page_in_the_layout(client, hr_admin, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(hr_admin)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = _body(response)
    assert "Something went wrong" in body
    assert 'href="/"' in body
    assert 'name="csrfmiddlewaretoken"' in body  # the language switcher still works from it


def test_the_500_page_needs_no_database(rf, settings):
    """It renders without context processors: a 500 is often the database going away."""
    from django.db import connection

    from mentoring.views import server_error

    settings.DEBUG = False
    request = rf.get("/boom/")
    with connection.execute_wrapper(_no_queries):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in _body(response)


def _no_queries(execute, sql, params, many, context):
    raise AssertionError(f"the 500 page ran a query: {sql}")


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_posted_without_its_csrf_token_gets_the_expired_form_page(
    hr_admin, organization, settings, debug
):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr_admin)
    session = client.session
    session["last_organization"] = organization.slug
    session.save()
    response = client.post(f"/o/{organization.slug}/members/", {})
    assert response.status_code == 403
    body = _body(response)
    assert "This form has expired" in body
    assert "CSRF" not in body  # the technical reason goes to the log
    assert f'href="/o/{organization.slug}/members/"' in body


def test_a_signed_out_csrf_failure_offers_the_way_back(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in _body(response)


@pytest.mark.parametrize("url", ["/accounts/preferences/", "/accounts/my-data/", "/accounts/email/"])
def test_account_pages_keep_the_organisation_navigation(client_for, hr_admin, organization, url):
    response = client_for(hr_admin).get(url)
    assert response.status_code == 200
    body = _body(response)
    assert f'href="/o/{organization.slug}/members/"' in body
    assert "Acme" in body


def test_account_pages_show_no_organisation_to_someone_who_belongs_to_none(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    body = _body(client.get("/accounts/preferences/"))
    assert "/o/" not in body


def test_every_page_links_a_favicon_the_app_serves(client):
    body = _body(client.get("/accounts/login/"))
    assert 'rel="icon" href="/static/img/favicon.svg"' in body
    assert finders.find("img/favicon.svg") and finders.find("img/favicon.png")
