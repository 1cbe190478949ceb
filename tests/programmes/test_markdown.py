from programmes.templatetags.programmes import render_markdown


def test_the_charter_renders_markdown():
    html = render_markdown("## Rules\n\n* **Confidentiality**\n* [Guide](https://example.com)")
    assert "<h2>Rules</h2>" in html
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
