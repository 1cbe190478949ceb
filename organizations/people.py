"""Each person's name as the current organisation knows it.

Inside an organisation (a request under ``/o/<slug>/``, a task ``in_tenant``), ``User.get_full_name()``
and ``User.display_name`` read the organisation's own record of the person (``Person``), never the
account's names, which the person owns and which another organisation may have typed.

The first name read in a tenant block loads every name the organisation holds, in one query, so a
page or an e-mail batch costs one query for names whatever it lists (no query per person).
``learn_names`` records names already loaded with rows (``select_related("person")``).
"""

from collections.abc import Iterable
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

from .tenancy import current_organization

if TYPE_CHECKING:
    from .models import Organization, Person

Names = tuple[str, str]
# Per organisation id, the names by user id; under _COMPLETE, the ids of the organisations fully loaded.
NameCache = dict[Any, Any]

_known_names: ContextVar[NameCache | None] = ContextVar("known_names", default=None)

NO_NAME: Names = ("", "")
_COMPLETE = "complete"  # the organisations whose names were all loaded in this block


def fresh_name_cache() -> Token[NameCache | None]:
    """Called by ``tenant_context``: every organisation block starts with nothing remembered."""
    return _known_names.set({})


def reset_name_cache(token: Token[NameCache | None]) -> None:
    _known_names.reset(token)


def _load_organization_names(organization: "Organization") -> dict[int, Names]:
    from .models import Person

    return {
        user_id: (first_name, last_name)
        for user_id, first_name, last_name in Person.objects.filter(organization=organization).values_list(
            "user_id", "first_name", "last_name"
        )
    }


def known_name(user_id: int) -> Names | None:
    """``(first_name, last_name)`` the current organisation holds, or ``None`` outside any organisation."""
    organization = current_organization()
    if organization is None:
        return None
    cache = _known_names.get()
    if cache is None:  # an organisation set without tenant_context: nothing to remember into
        return _load_organization_names(organization).get(user_id, NO_NAME)
    names: dict[int, Names] = cache.setdefault(organization.pk, {})
    if user_id not in names and organization.pk not in cache.get(_COMPLETE, ()):
        names.update(_load_organization_names(organization))
        cache.setdefault(_COMPLETE, set()).add(organization.pk)
    return names.get(user_id, NO_NAME)


def learn_names(records: Iterable[tuple[int, "Person | None"]]) -> None:
    """Remember names already loaded with the rows: ``(user_id, person_or_None)`` couples, no query."""
    organization = current_organization()
    cache = _known_names.get()
    if organization is None or cache is None:
        return
    names = cache.setdefault(organization.pk, {})
    for user_id, person in records:
        if person is not None:
            names[user_id] = (person.first_name, person.last_name)


def forget_names() -> None:
    """A record changed: the next name read in this block loads them again."""
    cache = _known_names.get()
    if cache:
        cache.clear()
