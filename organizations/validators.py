"""Text from people never carries control characters into a header, a calendar property or a file name.

A line break in a name becomes a line break in an e-mail subject (``BadHeaderError``, or a forged header
where nothing checks), in an iCalendar ``SUMMARY`` or ``ATTENDEE;CN=`` (a forged property) and in a
``Content-Disposition`` file name. Fields that can reach one of those refuse such characters wherever
people type them: ``no_control_characters`` on the model field reaches model forms, the admin and every
service that calls ``full_clean``; plain forms, the import and commands use it too. The sinks also pass
text through ``single_line``, for rows written before the rule existed.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F (tab, CR, LF, NEL U+0085 among them);
# the line and paragraph separators U+2028 and U+2029 are added because str.splitlines(), and many mail
# and calendar clients, break lines on them too.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
CONTROL_CHARACTERS = re.compile(f"[{_CONTROL}]")
_CONTROL_RUN = re.compile(f" *[{_CONTROL}][{_CONTROL} ]*")


@deconstructible(path="organizations.validators.NoControlCharacters")
class NoControlCharacters:
    """A validator refusing text that does not fit on one line (see the module's docstring)."""

    message = _(
        "This text must fit on one line: remove the line breaks, tabs and other invisible control characters."
    )
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        if has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(NoControlCharacters)


no_control_characters = NoControlCharacters()


def has_control_characters(value: object) -> bool:
    return value is not None and CONTROL_CHARACTERS.search(str(value)) is not None


def single_line(text: object) -> str:
    """``text`` on one line: each run of control characters becomes one space, and the ends are trimmed.

    For the sinks (e-mail subjects, calendar properties, file names), so that text written before the
    validator existed can neither raise nor inject there.
    """
    if text is None:
        return ""
    return _CONTROL_RUN.sub(" ", str(text)).strip()
