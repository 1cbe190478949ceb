import re

import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown.treeprocessors import Treeprocessor

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
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "code",
    "pre",
    "hr",
}
# No images (the page makes no third-party request) and no scheme a browser would run.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# The text is shown under the page's own <h2> ("The charter"): its first heading level becomes <h3>.
TOP_LEVEL = 3
_HEADING = re.compile(r"^h([1-6])$")


class _Headings(Treeprocessor):
    """Move the text's headings under the page's: whether HR starts with "#" or "##", the highest heading
    becomes an <h3> and the others keep their distance below it (at most <h6>), so every heading renders
    as one and the page's outline stays whole."""

    def run(self, root):
        headings = [element for element in root.iter() if _HEADING.match(str(element.tag))]
        if not headings:
            return
        shift = TOP_LEVEL - min(int(element.tag[1]) for element in headings)
        for element in headings:
            element.tag = f"h{min(int(element.tag[1]) + shift, 6)}"


def _markdown():
    md = markdown.Markdown(extensions=["sane_lists"])
    md.treeprocessors.register(_Headings(md), "headings_under_the_page", 5)
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
