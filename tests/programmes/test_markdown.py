import pytest

from programmes.templatetags.programmes import render_markdown


def test_the_charter_renders_markdown():
    html = render_markdown("## Rules\n\n* **Confidentiality**\n* [Guide](https://example.com)")
    assert "<h3>Rules</h3>" in html
    assert "<li><strong>Confidentiality</strong></li>" in html
    assert 'href="https://example.com"' in html


def test_the_charter_never_renders_raw_html_or_scripts():
    html = render_markdown("<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))")
    assert "<script" not in html
    assert "<img" not in html
    assert "javascript:" not in html


def test_it_shows_raw_html_as_text():
    html = render_markdown('<form action="//evil"><b onmouseover="alert(1)">Hi</b></form>')
    assert "<form" not in html
    assert "<b " not in html
    assert "&lt;form" in html


def test_it_drops_images_and_links_a_browser_would_run():
    html = render_markdown("![logo](https://tracker.example/pixel.png) [a](data:text/html,x) [b](vbscript:x)")
    assert "<img" not in html
    assert "tracker.example" not in html
    assert "data:" not in html
    assert "vbscript:" not in html


def test_it_keeps_web_and_mail_links():
    html = render_markdown("[site](https://example.com) [write](mailto:rh@example.com)")
    assert 'href="https://example.com"' in html
    assert 'href="mailto:rh@example.com"' in html


@pytest.mark.parametrize(
    "text,headings",
    [
        ("# Charte\n\n## Règles\n\n### Détail", ["<h3>Charte</h3>", "<h4>Règles</h4>", "<h5>Détail</h5>"]),
        ("## Charte\n\n### Règles", ["<h3>Charte</h3>", "<h4>Règles</h4>"]),
        ("Charte\n======\n\nRègles\n------", ["<h3>Charte</h3>", "<h4>Règles</h4>"]),
        ("# a\n\n###### f", ["<h3>a</h3>", "<h6>f</h6>"]),
        ("##### Petit titre", ["<h3>Petit titre</h3>"]),
    ],
    ids=["atx-from-h1", "atx-from-h2", "setext", "deepest-capped", "only-a-small-heading"],
)
def test_every_markdown_heading_renders_as_a_heading_under_the_pages_own(text, headings):
    html = render_markdown(text)
    for heading in headings:
        assert heading in html
    # Nothing left as bare text outside a block, as a heading level the sanitiser dropped would be.
    assert all(line.startswith("<") for line in html.splitlines() if line)


def test_the_demo_charter_heading_renders():
    from programmes.demo import CHARTER

    assert "<h3>Notre charte du mentorat inversé</h3>" in render_markdown(CHARTER)


def test_the_charter_page_shows_its_headings(client_for, mentor_user, organization):
    from django.urls import reverse

    from tests.factories import ParticipantFactory, ProgrammeFactory

    programme = ProgrammeFactory(organization=organization, status="open", charter="# Charte\n\nTexte")
    ParticipantFactory(organization=organization, programme=programme, user=mentor_user, role="mentor")
    page = reverse("charter", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})
    body = client_for(mentor_user).get(page).content.decode()
    assert '<div class="charter"><h3>Charte</h3>' in body
