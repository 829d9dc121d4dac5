"""Settings for Weegploeg: the one settings module.

Every environment variable is read exactly once, here, through django-environ, with a default
that suits the embedded run (`make run`). Each one is listed in `.env.example` and the README;
`tests/pga/test_deployment.py` checks that the compose file sets only names read here.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# -- environment (the complete list; keep .env.example and the README in step) -------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="onveilig-alleen-voor-ontwikkeling-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="weegploeg@localhost")
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
PRIVATE_STORAGE_ROOT = Path(
    env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private"))
)
EMBEDDED_PGDATA = Path(env.str("EMBEDDED_PGDATA", default=str(BASE_DIR / "var" / "pgdata")))
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# After this many voting rounds without a unanimous outcome, an item is flagged for
# escalation to the lokale driehoek (docs/design.md §3 rule 4).
ESCALATION_ROUNDS = env.int("ESCALATION_ROUNDS", default=2)
# After the decision (docs/design.md §3 rule 12; weegploeg/follow_up.py): review dates per
# outcome, in months after the decision; the check of an onward referral when the decision
# names no follow-up date; the reminder when the driehoek's outcome is not recorded.
REVIEW_MONTHS_CASUSOVERLEG = env.list("REVIEW_MONTHS_CASUSOVERLEG", cast=int, default=[6, 12])
REVIEW_MONTHS_NO_CASUSOVERLEG = env.list("REVIEW_MONTHS_NO_CASUSOVERLEG", cast=int, default=[])
REFERRAL_CHECK_DAYS = env.int("REFERRAL_CHECK_DAYS", default=90)
DRIEHOEK_REMINDER_DAYS = env.int("DRIEHOEK_REMINDER_DAYS", default=28)
# Retention (docs/design.md §3 rule 8; retention/clock.py, retention/purge.py). The nightly
# purge is on unless switched off: deleting on schedule is the rule, and a switched-off run is
# still reported.
RETENTION_PURGE_ENABLED = env.bool("RETENTION_PURGE_ENABLED", default=True)
# Nothing is purged sooner than this many days after its retention clock started.
RETENTION_MIN_AGE_DAYS = env.int("RETENTION_MIN_AGE_DAYS", default=30)
RETENTION_MAX_PER_RUN = env.int("RETENTION_MAX_PER_RUN", default=1000)
# Signals in the queue longer than this without a decision are flagged to coordinators.
STALE_SIGNAL_DAYS = env.int("STALE_SIGNAL_DAYS", default=90)
# Login records (django-axes' attempts and logs) older than this are deleted nightly, except
# an attempt that still locks an account (pga.services.clear_expired_login_data).
LOGIN_RECORDS_DAYS = env.int("LOGIN_RECORDS_DAYS", default=30)
# The public meldpunt (referrals/): a referral not accepted (or declined) within this many
# days is deleted by the nightly job, like a withdrawn signal.
REFERRAL_ACCEPT_DAYS = env.int("REFERRAL_ACCEPT_DAYS", default=30)
# A standard text added to the feedback mails to a reporter ("received", "handled").
REFERRAL_FEEDBACK_TEXT = env.str("REFERRAL_FEEDBACK_TEXT", default="")
# How many referrals the public form takes (django-ratelimit rates): per client address,
# and per gemeente from all addresses together.
REFERRAL_RATE_PER_ADDRESS = env.str("REFERRAL_RATE_PER_ADDRESS", default="5/h")
REFERRAL_RATE_PER_GEMEENTE = env.str("REFERRAL_RATE_PER_GEMEENTE", default="60/d")
# The person's rights (rights/): an inzage export's file is removed after its download, and
# by the hourly sweep when it was asked for more than this many hours ago.
SUBJECT_EXPORT_KEEP_HOURS = env.int("SUBJECT_EXPORT_KEEP_HOURS", default=24)

# -- database ----------------------------------------------------------------------------
if not DATABASE_URL:
    # Embedded default: a private PostgreSQL from the `pgserver` package under var/, the
    # same engine as production with nothing to install. See pga/embedded.py.
    from pga.embedded import embedded_database_url

    DATABASE_URL = embedded_database_url(EMBEDDED_PGDATA)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- applications ------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "guardian",
    "auditlog",
    "csp",
    "pga",
    "signals",
    "criteria",
    "weegploeg",
    "retention",
    "rights",
    "stats",
    "referrals",
    "worklist",
]

MIDDLEWARE = [
    # First: every response, also an error page, carries the request's reference.
    "pga.errors.RequestReferenceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pga.authn.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pga.authn.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pga.audit.AuditMiddleware",
    # AxesMiddleware last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pga.urls"
WSGI_APPLICATION = "pga.wsgi.application"

# Form widgets render through the project's templates first (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pga.context_processors.navigation",
            ],
        },
    },
]

# -- users, login, two-factor, lockout ---------------------------------------------------
AUTH_USER_MODEL = "pga.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "pga.authn.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "pga.authn.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "two_factor:login"

# Sessions end after 15 minutes without a request and when the browser closes.
SESSION_COOKIE_AGE = 15 * 60
# Idle sessions end after 15 minutes; the session row is written again at most once a
# minute (pga.authn.SessionRefreshMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True

AXES_FAILURE_LIMIT = 5
# Lock the account, not the address: municipal offices share one outgoing address, and an
# address lock would shut out colleagues (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "pga/lockout.html"
AXES_CLIENT_IP_CALLABLE = "pga.audit.client_ip"
AXES_USERNAME_CALLABLE = "pga.authn.login_username"

SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Weegploeg"
TWO_FACTOR_PATCH_ADMIN = False

# django-guardian: no anonymous user, and no global permissions on domain objects.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# -- audit --------------------------------------------------------------------------------
AUDITLOG_LOGENTRY_MODEL = "pga.AuditEntry"
# django-auditlog's own migrations create its default LogEntry table even when that model is
# swapped for ours; the table would sit unused (and block test flushes with its foreign
# keys). Its only model is swapped out, so the app needs no tables of its own.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# -- security headers -------------------------------------------------------------------
SECURE_HSTS_SECONDS = 0 if DEBUG else 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): everything from this origin only, no inline scripts
# or styles, no framing. The app loads nothing from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# -- language, time ----------------------------------------------------------------------
# Dutch only, whatever the browser asks (docs/design.md §2 and §4.7): one language and no
# LocaleMiddleware, so Accept-Language never selects another; Django's Dutch formats for
# numbers and dates; the libraries' untranslated texts in locale/nl.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# -- static files and private storage ----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        # Uploaded files live outside the web root and are served only by audited views.
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# -- caches: the public form's rate limits (django-ratelimit) ----------------------------
# The counters must be shared by every web process: with Redis (production, compose) they live
# there, in Django's own Redis cache, whose increment is Redis' atomic INCR (django-ratelimit
# lists only django-redis as supported, hence its W001 is silenced). The embedded run is one
# process, so a local-memory cache is shared by all its requests there; only then is the
# library's "not a shared cache" (E003) silenced. Tests get a fresh local-memory cache.
RATELIMIT_USE_CACHE = "ratelimit"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
         "KEY_PREFIX": "ratelimit"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "LOCATION": "ratelimit"}
    ),
}
SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
RATELIMIT_IP_META_KEY = "pga.audit.client_ip"

# -- e-mail ------------------------------------------------------------------------------
vars().update(env.email_url_config(EMAIL_URL))

# -- background work ---------------------------------------------------------------------
# Without REDIS_URL (the embedded run) tasks run eagerly in-process; with it, a worker is
# expected (the compose file's `worker` service, and exactly one `beat`).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Eager tasks (no worker) run in a thread after the commit, not in the request
# (pga.background): rendering a decision record or a ZIP export does not hold up a click.
EAGER_TASKS_IN_THREADS = env.bool("EAGER_TASKS_IN_THREADS", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task whose worker died without acknowledging it after this many seconds
# (acks_late): longer than the longest task time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "generate-missing-decision-records": {
        "task": "weegploeg.tasks.generate_missing_records",
        "schedule": crontab(minute="*/10"),
    },
    "information-request-reminders": {
        "task": "weegploeg.tasks.send_information_request_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Celery's clock is TIME_ZONE (Europe/Amsterdam): 02:00 local time, summer and winter.
    "retention-nightly-purge": {
        "task": "retention.tasks.purge_expired_signals",
        "schedule": crontab(hour=2, minute=0),
    },
    "follow-up-reminders": {
        "task": "weegploeg.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=7, minute=5),
    },
    "driehoek-reminders": {
        "task": "weegploeg.tasks.send_driehoek_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    "notification-recheck-reminders": {
        "task": "retention.tasks.send_notification_recheck_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "send-missing-referral-feedback": {
        "task": "referrals.tasks.send_missing_feedback",
        "schedule": crontab(minute="*/15"),
    },
    "remove-unaccepted-referrals": {
        "task": "referrals.tasks.remove_unaccepted_submissions",
        "schedule": crontab(hour=2, minute=45),
    },
    "remove-expired-subject-exports": {
        "task": "rights.tasks.remove_expired_subject_exports",
        "schedule": crontab(minute=20),
    },
    "clear-expired-sessions-and-login-records": {
        "task": "pga.tasks.clear_expired_login_data",
        "schedule": crontab(hour=3, minute=30),
    },
}

# -- logging: no personal data; requests are audited in the database, not in logs ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The default request logger writes full URLs of failed requests; keep it at ERROR.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO (its own stylesheet parsed on import).
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
