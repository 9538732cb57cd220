"""The portal's own error pages, and a database outage answered as "503 Service Unavailable".

400, 403, 404 and 500 are Django's handlers with our templates (templates/400.html and so on, in the portal's
layout and the reader's language). A database that does not answer (stopped, restarting, unreachable) raises
OperationalError or InterfaceError wherever it is first needed: in a view, the middleware below turns it into
the 503 page with Retry-After; before or after the view (a middleware reading the session), Django calls
handler500, which tells the two apart. Either way the reader sees no traceback and no 500, and the first
request after the database is back is served as usual (the connection is checked before each request).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable():
    """The 503 page. Rendered without the request: its context processors would read the session, which
    lives in the database that is not answering."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            # One line, no traceback: during an outage every request would log the same one.
            logger.error("Database unavailable (%s) for %s %s", type(exception).__name__, request.method, request.path)
            return database_unavailable()
        return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500. Django calls it inside the `except` that caught the error, so the error is at hand: a
    database outage outside a view is a 503 as well."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable()
    return defaults.server_error(request, template_name)
