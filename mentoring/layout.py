"""The ``layout`` template library: ``{% layout_footer %}``, the layout's footer with its language form,
rendered once per process and language (``mentoring.fragments``), with this request's CSRF token and
address put in."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .fragments import render_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def layout_footer(context: template.Context) -> SafeString:
    request = context.get("request")
    footer = render_fragment(
        "includes/footer.html",
        "footer",  # the language is in every key already
        lambda: {"LANGUAGE_CODE": get_language()},
        csrf_token=context.get("csrf_token"),
        live={"next": request.get_full_path() if request is not None else ""},
    )
    # The file's last line break: base.html breaks the line itself, as it did with the footer inline.
    return mark_safe(footer.removesuffix("\n"))  # rendered, and escaped, by render_fragment
