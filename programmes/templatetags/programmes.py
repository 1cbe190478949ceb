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


@register.filter
def render_markdown(text):
    """Markdown written by HR, rendered and then sanitised: raw HTML from users never reaches the page."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            link_rel="noopener noreferrer nofollow",
        )
    )  # noqa: S308


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
