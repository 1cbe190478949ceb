"""Every export and download of personal data answers ``Cache-Control: private, no-store``.

Spreadsheets of participants, dashboard figures, calendar files, a person's data and uploaded files must
stay neither in a shared cache (a proxy, a CDN) nor on the disk of the browser of a shared computer.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

NO_STORE = "private, no-store"

View = TypeVar("View", bound=Callable[..., Any])


def private_download(view: View) -> View:
    """Decorate a view whose response is a file: nothing on the way, nor the browser, keeps a copy."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    wrapper.private_download = True  # type: ignore[attr-defined]
    return cast(View, wrapper)
