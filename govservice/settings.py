"""Settings, read from the environment with embedded defaults.

No variables set: SQLite under var/ and a Celery filesystem transport under var/,
so that `make run` needs no server. DATABASE_URL / CELERY_BROKER_URL switch to
PostgreSQL and Redis. Every variable is listed in the README.
"""

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GOVSERVICE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105  refused above when DEBUG is off
# The key of the audit chain's HMAC (apps.applications.audit): kept apart from SECRET_KEY, so that whoever can
# write the database or read the web settings cannot rewrite the history unnoticed. Changing it breaks every chain.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
if not AUDIT_KEY:
    if not DEBUG:
        raise RuntimeError("AUDIT_KEY must be set when DJANGO_DEBUG is off")
    AUDIT_KEY = "dev-only-audit-key-do-not-use-in-production"  # refused above when DEBUG is off
if AUDIT_KEY == SECRET_KEY:
    raise RuntimeError("AUDIT_KEY must differ from DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Addresses (or networks, 10.0.0.0/8) of our own reverse proxies: only their X-Forwarded-For is believed.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

# HTTPS: on by default when DEBUG is off; each can be set from the environment (README "In production").
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Probes and scrapes from inside the network speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
if TRUSTED_PROXIES:
    # Our own proxy terminates TLS and says so; only then is X-Forwarded-Proto believed.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "apps.core",
    "apps.workdays",
    "apps.catalog",
    "apps.accounts",
    "apps.notifications",
    "apps.applications",
    "apps.evaluation",
    "apps.supervision",
    "apps.analytics",
    "apps.demo",
    "apps.counter",
    "apps.dashboard",
    "apps.portal",
]

MIDDLEWARE = [
    "apps.core.request_id.RequestIdMiddleware",
    "apps.core.metrics.RequestMetricsMiddleware",
    "apps.core.middleware.RequestSizeLimitMiddleware",
    "apps.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
]

# Content-Security-Policy (django-csp): everything from this site only; no inline scripts, no inline styles,
# no framing. Pages load their JavaScript and CSS as static files (htmx too, shipped by django-htmx).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

ROOT_URLCONF = "govservice.urls"
WSGI_APPLICATION = "govservice.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite by default; the web server and the Celery worker share the file,
# so WAL journal and a busy timeout keep one from failing while the other writes.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'govservice.sqlite3'}",
        # Persistent connections: about 4x on a read endpoint on PostgreSQL.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

LOGIN_URL = "login"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded materials live here and are never served directly: a view checks who may see them.
MEDIA_ROOT = Path(os.environ.get("GOVSERVICE_MEDIA_ROOT", VAR_DIR / "media"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# A TrueType font to embed in the PDF notices; by default the standard Chinese CID font is used.
NOTICE_FONT_FILE = os.environ.get("NOTICE_FONT_FILE", "")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"],
         # An unreachable Redis must fail fast: rate limits then count per process (apps.core.api.throttling).
         "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sign-in locks (apps.accounts.lockout): failures per username and per client address within the window.
SIGN_IN_LOCK_FAILURES = int(os.environ.get("SIGN_IN_LOCK_FAILURES", "10"))
SIGN_IN_LOCK_ADDRESS_FAILURES = int(os.environ.get("SIGN_IN_LOCK_ADDRESS_FAILURES", "50"))
SIGN_IN_LOCK_MINUTES = int(os.environ.get("SIGN_IN_LOCK_MINUTES", "15"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated call gets 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "apps.core.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DEFAULT_THROTTLE_RATES": {
        # Sign-in and registration, per client address.
        "auth": os.environ.get("AUTH_THROTTLE_RATE", "20/min"),
        # Public tracking by tracking number and code, per client address.
        "track": os.environ.get("TRACK_THROTTLE_RATE", "30/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "govservice API",
    "DESCRIPTION": _("The REST API of the one-window government services: the service catalogue, applications, "
                     "supervision. Sign in with POST /api/v1/auth/token/ and send `Authorization: Token <key>`."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the pinned sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "apps.applications.models.Status",
        "StepStatusEnum": "apps.applications.models.StepStatus",
        "DeliveryMethodEnum": "apps.applications.models.DeliveryMethod",
        "FlagEnum": "apps.applications.models.Flag",
        "AlertKindEnum": "apps.supervision.models.AlertKind",
        "SuspensionKindEnum": "apps.applications.models.SuspensionKind",
    },
}

# Celery: filesystem transport under var/ by default (no server needed);
# CELERY_BROKER_URL=redis://... in production.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Two queues: the notifications to send on their own, every other task (the supervision jobs first of all) on the
# default one. A worker takes from both in turn, so a burst of messages never delays a sweep (the soak saw the
# sweeps wait behind thousands of sends on one queue); `celery worker -Q notifications` adds workers for the sends.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("notifications"))
CELERY_TASK_ROUTES = {"apps.notifications.tasks.send_notification": {"queue": "notifications"}}

# Supervision: a Celery worker sweeps the deadlines as soon as it starts (catching up after an outage).
SUPERVISION_SWEEP_ON_START = env_bool("SUPERVISION_SWEEP_ON_START", True)
# Supervision: remind an applicant whose corrections have not arrived after this many working days.
CORRECTION_REMINDER_WORKDAYS = int(os.environ.get("CORRECTION_REMINDER_WORKDAYS", "3"))

# The working-day calendar is held in memory per process; other processes
# (web workers, Celery) notice an edit within this many seconds.
WORKDAYS_REFRESH_SECONDS = int(os.environ.get("WORKDAYS_REFRESH_SECONDS", "60"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@govservice.local")
# Any class implementing apps.notifications.channels.SmsGateway.
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "apps.notifications.channels.LoggingSmsGateway")

# Prometheus metrics at /metrics, answered only to these networks (the scraper's own address, not a proxy's
# forwarded one). Figures computed when scraped come from METRICS_COLLECTORS.
METRICS_ALLOWED_NETWORKS = [n for n in os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128").split(",")
                            if n.strip()]
METRICS_COLLECTORS = ["apps.supervision.metrics.FlaggedApplicationsCollector"]

# LOG_FORMAT=json: one JSON object per line, for a log collector. Every line carries the request id
# (X-Request-ID), in the web process and in the Celery tasks a request caused.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise RuntimeError("LOG_FORMAT must be 'text' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "apps.core.log_format.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
