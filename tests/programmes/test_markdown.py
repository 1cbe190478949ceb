from programmes.templatetags.programmes import render_markdown


def test_the_charter_renders_markdown():
    html = render_markdown("## Rules\n\n* **Confidentiality**\n* [Guide](https://example.com)")
    assert "<h2>Rules</h2>" in html
    assert "<li><strong>Confidentiality</strong></li>" in html
    assert 'href="https://example.com"' in html


def test_the_charter_never_renders_raw_html_or_scripts():
    html = render_markdown("<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))")
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
