"""Settings shared by every environment, read from the environment with django-environ.

Environment variables (all optional on a developer machine):
``DATABASE_URL`` (default: SQLite file ``var/jiuzhu.sqlite3``), ``REDIS_URL`` (Celery broker and result
backend; when unset Celery runs tasks in-process), ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``,
``SHARED_DIR`` (the policy/data folder, default ``../shared``), ``MEDIA_ROOT`` (uploads, outside the web root).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SHARED_DIR = Path(env("SHARED_DIR", default=str(BASE_DIR.parent / "shared")))
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# Database ---------------------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jiuzhu.sqlite3'}")}
if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its folder on a fresh clone
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Applications -----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "django_celery_results",
    "csp",
    "claimants",
    "settlements",
    "applications",
    "monitoring",
]

MIDDLEWARE = [
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claimants.sessions.SignedInPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claimants.context_processors.navigation",
            ],
        },
    },
]

# Content-Security-Policy (django-csp), the same in every environment so a violation shows up in the demo
# and the browser tests, not first in production. Scripts only from static files or with the request's
# nonce (<script nonce="{{ request.csp_nonce }}">); no inline event handlers or style attributes.
# Bootstrap's CSS draws form controls with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Users and login --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "claimants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Sessions (claimants/sessions.py): 30 minutes idle, one working day at most, and not past the browser.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "config.clientip.AddressThrottleBackend",  # many usernames tried from one address (config/clientip.py)
    "axes.backends.AxesStandaloneBackend",  # failed-login throttling: https://django-axes.readthedocs.io/
    "django.contrib.auth.backends.ModelBackend",
]
# History is read per record (by its id) and ordered by date; nothing looks it up by date alone, so the
# date index would only be written, once per history row (imports write 100,000s).
SIMPLE_HISTORY_DATE_INDEX = False
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the proxy (config/clientip.py): the proxies gunicorn trusts, same variable.
JIUZHU_TRUSTED_PROXIES = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"
# Failed logins from one address, over all usernames, within AXES_COOLOFF_TIME, before it is refused.
JIUZHU_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("JIUZHU_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation ---------------------------------------------------------------------------------
# Message ids are Simplified Chinese (the default UI); locale/en holds the English translation.
LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["config.formats"]  # one date format, 2026-12-03 (config/formats/__init__.py)
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static and uploaded files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "uploads")))
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Celery -----------------------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task of a worker that dies (SIGKILL, OOM) goes back to the queue instead of being lost: with late acks
# the message stays unacknowledged, and Redis hands it out again after the visibility timeout, which must
# exceed the longest task (a county of the monthly job: seconds; the whole-city measure: about a minute).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)}
# Publishing to an unreachable broker gives up within a second (the run then waits as "queued").
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Django REST framework --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jiuzhu API",
    "DESCRIPTION": "Medical-assistance back office: department referrals and replies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# django-tables2 ---------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Logging: one line per record on stdout ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "config.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Product settings -------------------------------------------------------------------------------------
# The installed policy jurisdictions, one package each (docs/architecture.md "How to add a city"); the
# environment variable adds more, comma-separated dotted paths. The one package without region roots
# (national) governs every region no other package claims.
JIUZHU_JURISDICTIONS = [
    "jurisdictions.national",
    "jurisdictions.mianyang",
    "jurisdictions.beijing",
    "jurisdictions.tianjin",
    *env.list("JIUZHU_EXTRA_JURISDICTIONS", default=[]),
]
# Roles that may see a full ID number (on request, audited) and receive unmasked exports; everyone else,
# and every list page, sees the masked form 510703**********34 (claimants.idnumbers.mask).
JIUZHU_FULL_ID_ROLES = (
    "township_caseworker",
    "medical_security_reviewer",
    "civil_affairs_officer",
    "rural_revitalization_officer",
)
# Roles that may export the claimant list with full ID numbers: the reviewers reconcile settlements with the
# insurance platform, the certifying departments check their own registers. The export asks for a stated
# purpose and writes it, the row count and the people exported to the audit log; every other export is
# masked (docs/decisions.md "ID numbers").
JIUZHU_FULL_ID_EXPORT_ROLES = (
    "medical_security_reviewer",
    "civil_affairs_officer",
    "rural_revitalization_officer",
)
JIUZHU_LIST_PAGE_SIZE = 25
# Exports larger than this ask the user to narrow the filter first.
JIUZHU_EXPORT_MAX_ROWS = env.int("JIUZHU_EXPORT_MAX_ROWS", default=100_000)
# Uploaded spreadsheets (claimants.imports.check_limits), refused before they are read: the file's size, the
# size its XLSX parts inflate to, and the data rows of a sheet. 100,000 rows of a department's list make
# an XLSX of about 5 MB (its XML about 40 MB) or a CSV of about 10 MB.
JIUZHU_IMPORT_MAX_BYTES = env.int("JIUZHU_IMPORT_MAX_BYTES", default=20 * 2**20)
JIUZHU_IMPORT_MAX_INFLATED_BYTES = env.int("JIUZHU_IMPORT_MAX_INFLATED_BYTES", default=200 * 2**20)
JIUZHU_IMPORT_MAX_ROWS = env.int("JIUZHU_IMPORT_MAX_ROWS", default=100_000)
