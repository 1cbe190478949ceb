"""Privacy by design: a figure computed over fewer people than the organisation's threshold is never shown.

The value of a hidden figure is dropped here, before any template or export can see it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    value: object
    people: int
    hidden: bool = False

    @property
    def shown(self):
        return not self.hidden


def guarded(value, *, people, minimum):
    """``value`` if at least ``minimum`` people are behind it, else a hidden figure without its value."""
    people = people or 0
    if people < minimum:
        return Figure(value=None, people=people, hidden=True)
    return Figure(value=value, people=people)


def share(part, whole):
    """Percentage rounded to one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
