"""Numbers and bilingual content as the reader reads them, and the ``l10n_binome`` template library.

- ``percent(74.5)`` is "74,5 %" in French (a no-break space before the sign) and "74.5%" in English:
  the one way every page, e-mail and export shows a share.
- ``localized(obj, "title")``: content HR writes in both languages is a pair of fields, ``title`` (French,
  the product's first language) and ``title_en``; the reader gets their language, or the other one when
  theirs was left empty.

Machine-read numbers (SVG coordinates, CSS widths, JSON, URLs) never go through these: they stay ``1.5``
(``{% localize off %}``, ``|unlocalize``).
"""

from django import template
from django.utils import formats, timezone, translation

register = template.Library()

ENGLISH_SUFFIX = "_en"


@register.filter
def percent(value, decimals=1):
    """A share as the reader writes it, rounded to ``decimals`` places (no trailing ",0"); "—" for None."""
    if value is None or value == "":
        return "—"
    number = round(float(value), int(decimals))
    if number == int(number):
        number = int(number)
    return formats.get_format("PERCENT_FORMAT").format(formats.number_format(number))


@register.filter
def number(value, decimals=None):
    """A number a person reads: the decimal comma in French; whole numbers stay whole."""
    if value is None or value == "":
        return "—"
    if decimals is not None:
        value = round(float(value), int(decimals))
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return formats.number_format(value)


@register.filter
def machine_datetime(value):
    """An aware datetime for ``<time datetime>``: ISO 8601 to the second, with its offset. Django's
    ``date:"c"`` writes microseconds, which the HTML standard's date-time syntax refuses."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def reads_english(language=None):
    return (language or translation.get_language() or "fr").split("-")[0] == "en"


def localized(obj, field, language=None):
    """``obj.<field>`` in the reader's language (``<field>_en`` for English), falling back to the other."""
    return pick(getattr(obj, field, ""), getattr(obj, field + ENGLISH_SUFFIX, ""), language)


def pick(french, english, language=None):
    """The reader's text of a French/English pair (read with ``values()``), or the other if theirs is empty."""
    french, english = french or "", english or ""
    if reads_english(language):
        return english or french
    return french or english


@register.filter(name="localized")
def localized_filter(obj, field):
    return localized(obj, field)


def both_languages(message):
    """(French, English) of a text marked for translation: the product seeds its default content (skills,
    objectives, survey questions) in both, whatever the organisation's language."""
    with translation.override("fr"):
        french = translation.gettext(str(message))
    with translation.override("en"):
        english = translation.gettext(str(message))
    return french, english
