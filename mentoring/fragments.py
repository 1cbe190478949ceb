"""The layout's parts that every page renders the same for the same reader, rendered once per process.

The navigation bar costs about half a millisecond to render (a dozen links reversed, as many strings
translated), on every page, for what is the same HTML each time a person opens a page of the same
organisation in the same language. ``render_fragment`` keeps the HTML of a template rendered from a
context that holds only what its key names, so that nothing outside the key can reach the output: the
key is the whole input, and no change anywhere needs to invalidate anything (a new name or role makes a
new key). What differs per request (the CSRF token, the page's own address) is left as a marker and put
in after, escaped as the template would have.

The memo is this process's own (no cache round trip, nothing shared to go stale), bounded (least
recently used out first), and emptied when a setting changes (tests' overrides of templates, languages
or URLs).
"""

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Enough for every person using the app at the same moment on a worker; one entry is a few kilobytes.
MAX_ENTRIES = 2000

# Stands for a per-request value in the memoized HTML, followed by the value's name: random per process,
# so that no text a person writes (a name, an address) can contain it, and hexadecimal, so that escaping
# leaves it as it is.
MARKER = secrets.token_hex(16)
_MARKED = re.compile(rf"{MARKER}_(\w+)")

_memo: "OrderedDict[Hashable, str]" = OrderedDict()
_lock = threading.Lock()


def render_fragment(
    template_name: str,
    key: Hashable,
    context: Callable[[], Mapping[str, Any]],
    *,
    csrf_token: Any = None,
    live: Mapping[str, str] | None = None,
) -> SafeString:
    """``template_name`` rendered from ``context()`` alone (no request, no context processors), kept
    under ``key`` with the language, the URL prefix and URLconf; what ``context()`` returns must depend on
    ``key`` only. It is called when the memo does not hold the fragment yet.

    ``csrf_token`` is the request's token (the ``csrf_token`` of its template context), rendered by the
    template's ``{% csrf_token %}`` as it would be with the request; ``live`` names the template's other
    variables that differ per request, with their values (strings the template shows escaped).
    """
    token = str(csrf_token) if csrf_token else ""
    with_token = bool(token) and token != "NOTPROVIDED"
    full_key = (template_name, key, get_language(), get_script_prefix(), get_urlconf(), with_token)
    with _lock:
        html = _memo.get(full_key)
        if html is not None:
            _memo.move_to_end(full_key)
    if html is None:
        own = dict(context())
        for name in live or ():
            own[name] = marker(name)
        if with_token:
            own["csrf_token"] = marker("csrf_token")
        html = str(get_template(template_name).render(own))
        with _lock:
            _memo[full_key] = html
            while len(_memo) > MAX_ENTRIES:
                _memo.popitem(last=False)
    values = dict(live or {})
    if with_token:
        values["csrf_token"] = token
    return fill(html, values)


def marker(name: str) -> str:
    """What a template is given for its per-request variable ``name``, to be ``fill``-ed after."""
    return f"{MARKER}_{name}"


def fill(html: str, values: Mapping[str, str]) -> SafeString:
    """``html`` with each marker replaced by its value, escaped as the template would have."""
    if values:
        escaped = {name: escape(value) for name, value in values.items()}
        # In one pass, so that a value put in (an address) is never read for markers itself.
        html = _MARKED.sub(lambda marked: escaped[marked.group(1)], html)
    return mark_safe(html)  # rendered, and escaped, by the template engine


def clear(**kwargs: Any) -> None:
    with _lock:
        _memo.clear()


setting_changed.connect(clear, dispatch_uid="mentoring.fragments.clear")
