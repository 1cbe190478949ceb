"""Every export and download of personal data answers ``Cache-Control: private, no-store``.

Spreadsheets of participants, dashboard figures, calendar files, a person's data and uploaded files must
stay neither in a shared cache (a proxy, a CDN) nor on the disk of the browser of a shared computer.
"""

from functools import wraps

NO_STORE = "private, no-store"


def private_download(view):
    """Decorate a view whose response is a file: nothing on the way, nor the browser, keeps a copy."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    wrapper.private_download = True
    return wrapper
