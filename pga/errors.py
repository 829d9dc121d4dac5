"""What a user sees when a request fails: a reference per request for the helpdesk, and the
500 page that shows it.

The reference is a random code, not a number that counts requests; it goes back in the
`X-Request-ID` header and, on a server error, into the log line next to the traceback, so
that the helpdesk finds the error from what the user reads out."""

import logging
import secrets

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)
HEADER = "X-Request-ID"


def new_reference() -> str:
    """Eight characters in two groups ("7F3A-91C2"): easy to read out on the phone."""
    code = secrets.token_hex(4).upper()
    return f"{code[:4]}-{code[4:]}"


class RequestReferenceMiddleware:
    """Gives every request its reference (`request.reference`) and sends it back in the
    X-Request-ID header. First in MIDDLEWARE, so that every error, wherever it happens,
    comes back through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reference = new_reference()
        response = self.get_response(request)
        response[HEADER] = request.reference
        return response


@requires_csrf_token
def server_error(request):
    """The 500 page: the site's layout in Dutch with the request's reference, rendered
    without the request's context processors (no database: the error may be the database)
    and without any technical detail."""
    reference = getattr(request, "reference", None) or new_reference()
    logger.error("Serverfout, referentie %s: %s %s", reference, request.method, request.path)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"reference": reference}))
