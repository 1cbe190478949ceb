import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
# No images (the page makes no third-party request) and no scheme a browser would run.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _markdown():
    md = markdown.Markdown(extensions=["sane_lists"])
    # Raw HTML in the text is shown as the text it is, never passed on as markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


@register.filter
def render_markdown(text):
    """Markdown written by HR, rendered and then sanitised: raw HTML from users never reaches the page."""
    html = _markdown().convert(text or "")
    return mark_safe(  # noqa: S308 - the output of the allow-list sanitiser
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
