"""What a person changes on their own account, and their open sign-ins (recorded at sign-in so that
ending their access signs them out everywhere)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from organizations.services import share_own_name

from .models import SignedInSession

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase
    from django.forms import ModelForm
    from django.http import HttpRequest

    from .models import User


def session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore


def record_sign_in(*, request: HttpRequest, user: User) -> None:
    """Remember the session the person just signed in with; forget those of theirs that have ended."""
    store = session_store()
    session = request.session
    if session.session_key is None:
        session.save()
    for key in SignedInSession.objects.filter(user=user).values_list("session_key", flat=True):
        if key != session.session_key and not store().exists(key):
            SignedInSession.objects.filter(session_key=key).delete()
    SignedInSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def forget_sign_in(*, request: HttpRequest) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def sign_out_everywhere(*, user: User) -> int:
    """Delete every session the person signed in with from the session store: their next request is
    signed out, whatever page or device it comes from. Returns how many sessions were ended."""
    store = session_store()()
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    SignedInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def save_preferences(*, form: ModelForm[User]) -> User:
    """Save the person's account; a new name reaches the records of the organisations they belong to."""
    renamed = {"first_name", "last_name"} & set(form.changed_data)
    user = form.save()
    if renamed:
        share_own_name(user=user)
    return user
