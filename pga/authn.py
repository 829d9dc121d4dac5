"""Login policy: two-factor authentication when TWO_FACTOR_REQUIRED is on, the request's user,
idle sessions."""

import time

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pga.authz import with_partner_and_roles

# While setting up a device, a logged-in but unverified user may reach only these.
_ALLOWED_UNVERIFIED = (
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "two_factor:login",
    "logout",
)


class TwoFactorRequiredMiddleware:
    """With TWO_FACTOR_REQUIRED, a user who logged in with a password only is sent to set up
    (or, at the next login, to enter) a TOTP token before anything else is shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_REQUIRED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if name in _ALLOWED_UNVERIFIED or name == "healthz" or not getattr(
            view_func, "login_required", True
        ):
            return None
        return redirect(reverse("two_factor:setup"))


class UserBackend(ModelBackend):
    """Django's password backend; the user of each request is read with their partner and
    roles in one query (`pga.authz.with_partner_and_roles`)."""

    def get_user(self, user_id):
        user = with_partner_and_roles(get_user_model()._default_manager).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class SessionRefreshMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request (the login policy: 15 idle
    minutes). Instead of writing the session row on every request, it is written again when
    the last write is at least SESSION_REFRESH_SECONDS old, so the idle time allowed lies
    between SESSION_COOKIE_AGE minus that interval and SESSION_COOKIE_AGE."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves
        return response


def login_username(request, credentials=None) -> str | None:
    """The account a login attempt is for, as django-axes counts failures: the e-mail address
    from the credentials, or from the two-factor login form's `auth-username` field.

    Cut to the length axes stores: a longer name is no account's (an e-mail address has at
    most 254 characters), and its failures must be counted, not end in a database error."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = getattr(request, "POST", {}).get("auth-username")
    if not username:
        return None
    return username.strip().lower()[:AccessAttempt._meta.get_field("username").max_length]


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule with the Dutch text its catalogue lacks for this form."""

    def get_error_message(self):
        return _("Dit wachtwoord is te kort. Het moet minstens %(min_length)d tekens bevatten.") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return _("Uw wachtwoord moet minstens %(min_length)d tekens bevatten.") % {
            "min_length": self.min_length
        }
