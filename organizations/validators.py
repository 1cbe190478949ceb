"""Checks for text that can reach an e-mail header, a calendar property or a file name."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def _is_control(character):
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


@deconstructible
class NoControlCharacters:
    message = _("Line breaks and other control characters are not allowed here.")
    code = "control_characters"

    def __call__(self, value):
        if value and any(_is_control(character) for character in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters)


no_control_characters = NoControlCharacters()


def single_line(text):
    """``text`` with every control character replaced by a space, for headers built from old data."""
    return "".join(" " if _is_control(character) else character for character in str(text or ""))
