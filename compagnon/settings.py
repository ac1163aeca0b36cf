"""Settings for Compagnon, read from the environment.

Everything a deployment changes comes from environment variables (12-factor):
DJANGO_ENV, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, EMAIL_URL, DEFAULT_FROM_EMAIL,
MEDIA_ROOT, STORAGE_URL, EINVOICE_RULES_DIR, MFA_REQUIRED_FOR_STAFF, CACHE_URL, TRUSTED_PROXY_COUNT,
CSRF_TRUSTED_ORIGINS, SECURE_SSL_REDIRECT, CONN_MAX_AGE, DATABASE_PREPARE_THRESHOLD,
DATABASE_SERVER_SIDE_BINDING, DISABLE_SERVER_SIDE_CURSORS (every variable: docs/production.md).
EMAIL_URL examples: smtp://user:pass@host:25, submission://user:pass@host:587 (STARTTLS),
smtps://user:pass@host:465 (TLS).

With DJANGO_ENV=production the app refuses to start with an unsafe configuration
(see ``compagnon.core.checks.unsafe_production_settings``).
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENV == "production"
# pytest sets PYTEST_VERSION before settings load: tests never need a manual switch.
TESTING = ENV == "test" or bool(os.environ.get("PYTEST_VERSION"))

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION or TESTING else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
# How many reverse proxies of ours stand in front of the app (nginx alone: 1; a load balancer and
# nginx: 2). 0 (default): X-Forwarded-For and X-Forwarded-Proto are never believed, since anyone can
# send them. The client's address is then the N-th X-Forwarded-For entry from the right, for the
# app (core/client_ip.py), allauth's rate limits and DRF's throttles alike. docs/production.md.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "compagnon.core",
    "compagnon.ocr",  # kernel: reading receipts and invoices offline (read_document)
    "compagnon.accounts",
    "compagnon.organisation",
    "compagnon.members",
    "compagnon.audit",
    "compagnon.glossary",  # the words of the cooperative and the law, {% term %}
    "compagnon.clients",
    "compagnon.ledger",
    "compagnon.sales",
    "compagnon.portal",
    "compagnon.timesheets",
    "compagnon.einvoice",
    "compagnon.purchases",
    "compagnon.assets",
    "compagnon.banking",
    "compagnon.payments",
    "compagnon.dunning",
    "compagnon.notifications",
    "compagnon.payouts",
    "compagnon.expenses",
    "compagnon.budget",
    "compagnon.payroll",
    "compagnon.prefinancing",
    "compagnon.vatreturns",
    "compagnon.bookkeeping",  # manual entries, recurring entries, year-end closing
    "compagnon.lettering",  # lettering of client and supplier accounts (floor 5)
    "compagnon.exports",  # FEC, WinBooks and generic exports for accountants
    "compagnon.reports",  # trial balance, ledgers, journals, aged balances, VAT, statements
    "compagnon.ereporting",  # French e-reporting and the certified platform (PDP) connection
    "compagnon.geo",  # kernel: addresses to coordinates (BAN, Belgian registry), distances
    "compagnon.fieldwork",  # sectors, visit requests, maintenance contracts, visits, deposits
    "compagnon.interventions",  # the day on site: arrival, sheets, photos, signature, stock
    "compagnon.planning",  # the proposed week of a sector (routing solver) and its acceptance
    "compagnon.homeservices",  # services à la personne: month-end invoices, URSSAF, tax certificates
    "compagnon.governance",  # share register, general assemblies with verifiable votes, decisions
    "compagnon.cooperation",  # skill barter between members, positions shared by several activities
    "compagnon.subcontracting",  # internal subcontracting between activities: internal invoices, liaison accounts
    "compagnon.buying",  # buying together: supplier terms and ratings, group purchases split to activities
    "compagnon.jobs",  # declare a job in one action: its steps, the job page gathering everything, hand-over
    "compagnon.messaging",  # private messages between members and with staff: reports, blocks, digests
    "compagnon.directory",  # the member directory: field-by-field privacy, search, map, public showcase pages
    "compagnon.knowledge",  # the help centre: articles reviewed and versioned, FAQ, glossary, expert members
    "compagnon.onboarding",  # a path and a kit for new members, followed by their advisor
    "compagnon.support",  # requests to the cooperative's services: queues, internal notes, the response clock
    "compagnon.advising",  # advisors and their members: appointments, next steps, yearly reviews, relays
    "compagnon.events",  # the agenda, trainings with attendance and certificates, mentoring
    "compagnon.mailings",  # targeted mailings and in-app news, preferences, one-click unsubscribe
    "compagnon.procedures",  # procedures per trade: reviewed, versioned, ticked on site
    "compagnon.peerhelp",  # questions to colleagues matched by skill, answers, helpers
    "compagnon.aftersales",  # clients' problems after a job: queue per trade, warranty
    "compagnon.recruiting",  # applications, pipeline, meetings, calls, team load
    "compagnon.tenders",  # tenders and grants: imports, matching, group answers
    "compagnon.home",  # top floor: the home page of each role
    "compagnon.seeding",  # top floor: seed_demo, seed_scale, demo_logins
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "compagnon.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "compagnon.accounts.middleware.RequireStaffMFAMiddleware",
    "compagnon.core.params.BadParameterMiddleware",  # malformed query parameter: 400 page
]

ROOT_URLCONF = "compagnon.urls"
WSGI_APPLICATION = "compagnon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "compagnon" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "compagnon.home.context_processors.navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding + prepared statements: PostgreSQL plans a query once per connection and
    # reuses the plan (planning was 85-90 % of its CPU per request; docs/sizing.md). A value in the
    # DATABASE_URL's query string (?server_side_binding=…&prepare_threshold=…) wins over these.
    # Behind PgBouncer < 1.21 in transaction mode (or >= 1.21 without max_prepared_statements):
    # DATABASE_PREPARE_THRESHOLD=off (server-side binding alone is fine there: unnamed statements).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault(
        "server_side_binding", _env_flag("DATABASE_SERVER_SIDE_BINDING", default=True)
    )
    _threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2").strip().lower()
    _db_options.setdefault(
        "prepare_threshold",
        None if _threshold in ("", "off", "none", "false", "no") else int(_threshold),
    )
    # QuerySet.iterator() opens a named cursor that lives across transactions only with session
    # pooling: PgBouncer in transaction mode needs DISABLE_SERVER_SIDE_CURSORS=1.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _env_flag(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two writers never
    # deadlock upgrading a read lock (numbering counters rely on it). WAL lets readers go on.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (rate limits live here: shared by every web worker) -------------------------------
# CACHE_URL unset: Django's database cache (nothing more to run); redis://… in production.
# See compagnon/core/cache_url.py and docs/decisions/0008-rate-limits-shared-cache.md.
from compagnon.core.cache_url import caches_from_url  # noqa: E402

CACHES = caches_from_url(os.environ.get("CACHE_URL"))
# Sessions live in the database, which every machine shares; with Redis they are read from the
# cache and still written to the database (a Redis restart logs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends." + (
    "cached_db" if CACHES["default"]["BACKEND"].endswith("RedisCache") else "db"
)

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's backends, reading the signed-in user from the shared cache (Redis)
    "compagnon.accounts.backends.ModelBackend",
    "compagnon.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"login": "compagnon.accounts.forms.LoginForm"}
ACCOUNT_ADAPTER = "compagnon.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Compagnon] "
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# allauth's defaults, counted in the shared cache (CACHES above). Failed logins are counted per
# address (10/min) and per account *and* address (5 per 5 min, AccountAdapter's key): hammering one
# email from one address cannot lock its owner out elsewhere (decision 0008). Off in tests, which
# log in many times from one address; the rate-limit tests turn them back on.
ACCOUNT_RATE_LIMITS = False if TESTING else {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Compagnon"
# Staff roles (advisor, support, accountant, administrator) must enrol TOTP when this is on.
MFA_REQUIRED_FOR_STAFF = os.environ.get("MFA_REQUIRED_FOR_STAFF", "1" if PRODUCTION else "0") == "1"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "compagnon" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Leaflet's own files (the XStatic-Leaflet package), served under static/leaflet/ for the directory's
# map: no CDN.
import xstatic.pkg.leaflet  # noqa: E402

STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
# Uploaded and generated files: the local disk under MEDIA_ROOT by default; STORAGE_URL=s3://bucket
# puts them (and the e-invoice outbox) in a private S3-compatible bucket that every machine shares.
# No URL ever points to a file: the app's views serve them (compagnon/core/storage_url.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
from compagnon.core.storage_url import storages_from_url  # noqa: E402

STORAGES = {
    **storages_from_url(os.environ.get("STORAGE_URL")),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Production: collectstatic writes every static file under its content hash, with a gzip and a
# brotli copy; WhiteNoise serves hashed names with a one-year "immutable" Cache-Control (60 s for
# the plain names) and picks the copy the browser accepts. Source maps are read by developer
# tools only: left uncompressed, which halves the CPU time of collectstatic (docs/production.md).
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- email ----------------------------------------------------------------------------------
if os.environ.get("EMAIL_URL"):
    _email = dj_email_url.parse(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = _email.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Compagnon <noreply@compagnon.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- background tasks -----------------------------------------------------------------------
# Covering indexes (INCLUDE columns, e.g. the daily collections run's) are a PostgreSQL
# optimisation; SQLite builds the index without them, which is fine for development.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "ENQUEUE_ON_COMMIT": True,
    }
}
# /healthz reports tasks "late" when a ready task has waited longer than this.
TASKS_LATE_AFTER_SECONDS = int(os.environ.get("TASKS_LATE_AFTER_SECONDS", "300"))
# Reading receipts (compagnon/ocr): OCR runs in the worker, killed after this many seconds, on
# this many CPU threads; OCR_ENABLED=0 switches it off (forms then say photos are not read).
OCR_TIMEOUT_SECONDS = int(os.environ.get("OCR_TIMEOUT_SECONDS", "60"))
OCR_THREADS = int(os.environ.get("OCR_THREADS", "1"))
OCR_ENABLED = os.environ.get("OCR_ENABLED", "1") not in ("0", "false", "no", "")
# Rejected uploads (bank statements, supplier invoices) are kept this many days, then purged by
# the daily task core.retention.purge_rejected_uploads (or `manage.py purge_rejected_uploads`).
REJECTED_UPLOAD_RETENTION_DAYS = int(os.environ.get("REJECTED_UPLOAD_RETENTION_DAYS", "90"))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "compagnon.accounts.api_auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "compagnon.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "compagnon.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # throttles (if any) see the client as core.client_ip does
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Compagnon API",
    "DESCRIPTION": "Members, activities and the cooperative's records. Authenticate with a personal "
    "token (`Authorization: Token <key>`) created in your settings, or with a browser session.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 400/401/403/404 with the error envelope documented on every operation (core/api.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "compagnon.core.api.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DirectoryVisibilityEnum": "compagnon.directory.models.VISIBILITY_LEVELS",
        "DirectoryPrivateVisibilityEnum": "compagnon.directory.models.PRIVATE_VISIBILITY_LEVELS",
        "MessagingReportStateEnum": "compagnon.messaging.models.ReportState",
        "MessageEmailFrequencyEnum": "compagnon.messaging.models.EmailFrequency",
        "KnowledgeKindEnum": "compagnon.knowledge.models.Kind",
        "ProcedureKindEnum": "compagnon.procedures.models.Kind",
        "ProcedureVersionStateEnum": "compagnon.procedures.models.State",
        "QuestionStateEnum": "compagnon.peerhelp.models.QuestionState",
        "AfterSalesStateEnum": "compagnon.aftersales.models.State",
        "AfterSalesOriginEnum": "compagnon.aftersales.models.Origin",
        "ApplicationStepEnum": "compagnon.recruiting.models.Step",
        "SignUpStateEnum": "compagnon.recruiting.models.SignUpState",
        "NoticeKindEnum": "compagnon.tenders.models.Kind",
        "NoticeSourceEnum": "compagnon.tenders.models.Source",
        "TenderAnswerStateEnum": "compagnon.tenders.models.AnswerState",
        "TenderRoleEnum": "compagnon.tenders.models.Role",
        "AdminDocumentKindEnum": "compagnon.tenders.models.AdminKind",
        "KnowledgeStateEnum": "compagnon.knowledge.models.State",
        "ExpertStateEnum": "compagnon.knowledge.models.ExpertState",
        "OnboardingStepKindEnum": "compagnon.onboarding.models.StepKind",
        "SupportKindEnum": "compagnon.support.models.Kind",
        "SupportStateEnum": "compagnon.support.models.State",
        "SupportPriorityEnum": "compagnon.support.models.Priority",
        "SupportMessageKindEnum": "compagnon.support.models.MessageKind",
        "AppointmentKindEnum": "compagnon.advising.models.AppointmentKind",
        "AppointmentStateEnum": "compagnon.advising.models.AppointmentState",
        "StepOwnerEnum": "compagnon.advising.models.StepOwner",
        "AppointmentRequestStateEnum": "compagnon.advising.models.RequestState",
        "ReviewQuestionKindEnum": "compagnon.advising.models.QuestionKind",
        "ReviewStateEnum": "compagnon.advising.models.ReviewState",
        "EventKindEnum": "compagnon.events.models.EventKind",
        "EventStatusEnum": "compagnon.events.models.EventStatus",
        "TrainingLevelEnum": "compagnon.events.models.Level",
        "RegistrationStatusEnum": "compagnon.events.models.RegistrationStatus",
        "AttendanceEnum": "compagnon.events.models.Attendance",
        "TrainingRequestStatusEnum": "compagnon.events.models.TrainingRequestStatus",
        "MentorRequestStatusEnum": "compagnon.events.models.MentorRequestStatus",
        "MailingKindEnum": "compagnon.mailings.models.Kind",
        "DeliveryModeEnum": "compagnon.mailings.models.Mode",
        "MailingStateEnum": "compagnon.mailings.models.MailingState",
        "MailingEmailStateEnum": "compagnon.mailings.models.EmailState",
        "MaturityEnum": "compagnon.members.models.Maturity",
        "MemberStatusEnum": "compagnon.members.models.MemberStatus",
        "GroupPurchaseStateEnum": "compagnon.buying.models.GroupState",
        "JobDocumentKindEnum": "compagnon.jobs.models.DocumentChoice",
        "ActivityStatusEnum": "compagnon.members.models.ActivityStatus",
        "LanguageEnum": "compagnon.organisation.models.LANGUAGE_CHOICES",
        "VatCategoryEnum": "compagnon.sales.models.VAT_CATEGORY_CHOICES",
        "ClaimKindEnum": "compagnon.expenses.models.ClaimKind",
        "ClaimStateEnum": "compagnon.expenses.models.ClaimState",
        "DocumentKindEnum": "compagnon.sales.models.Kind",
        "DocumentStateEnum": "compagnon.sales.models.State",
        "EReportKindEnum": "compagnon.ereporting.models.ReportKind",
        "EReportStateEnum": "compagnon.ereporting.models.ReportState",
        "ProposalStateEnum": "compagnon.planning.models.ProposalState",
        "ReadingStateEnum": "compagnon.ocr.models.JobState",
        "VoteChoiceEnum": "compagnon.governance.models.Choice",
    },
}

# --- client portal -----------------------------------------------------------------------
# Absolute address of the site, for links built outside a request (emails sent by the worker).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- e-invoicing (later issues) -------------------------------------------------------------
EINVOICE_RULES_DIR = os.environ.get(
    "EINVOICE_RULES_DIR", str(BASE_DIR.parent / "shared" / "conformance" / "einvoice" / "rules")
)
# The Peppol access point adapter (compagnon.einvoice.channels); the outbox one writes messages to
# a directory that a provider's integration (or a test) picks up and answers in.
EINVOICE_ACCESS_POINT = os.environ.get("EINVOICE_ACCESS_POINT", "compagnon.einvoice.channels.OutboxAccessPoint")
# The certified platform (France, PDP/PA) through the standard Flow Service API (AFNOR XP Z12-013):
# e-reports are sent there, supplier invoices and invoice statuses received from it. Empty: no
# platform (reports can still be built and downloaded). To send e-invoices through it too, set
# EINVOICE_ACCESS_POINT=compagnon.ereporting.pdp.PdpAccessPoint. See docs/ereporting.md.
PDP_URL = os.environ.get("PDP_URL", "")
PDP_TOKEN = os.environ.get("PDP_TOKEN", "")
PDP_TIMEOUT = float(os.environ.get("PDP_TIMEOUT", "30"))
EINVOICE_OUTBOX_DIR = os.environ.get("EINVOICE_OUTBOX_DIR", str(MEDIA_ROOT.parent / "peppol-outbox"))

# --- field service (docs/fieldwork.md, planning.md, homeservices.md) ------------------------
# Online deposits for a visit: "" (none: the member asks for a transfer), "mollie", or "local"
# (a payment page on this site that always succeeds: demo and tests only, refused in production).
FIELD_PAYMENT_PROVIDER = os.environ.get("FIELD_PAYMENT_PROVIDER", "")
MOLLIE_API_KEY = os.environ.get("MOLLIE_API_KEY", "")
MOLLIE_API_URL = os.environ.get("MOLLIE_API_URL", "https://api.mollie.com/v2")
# Immediate tax credit (France, avance immédiate): the URSSAF third-party API. Empty: requests are
# prepared and kept until it is configured.
URSSAF_API_URL = os.environ.get("URSSAF_API_URL", "")
URSSAF_CLIENT_ID = os.environ.get("URSSAF_CLIENT_ID", "")
URSSAF_CLIENT_SECRET = os.environ.get("URSSAF_CLIENT_SECRET", "")
URSSAF_NATURE_CODE = os.environ.get("URSSAF_NATURE_CODE", "ENT")
# Addresses to coordinates: "offline" (postcode centroids shipped with the app, no network),
# or "online" (France: the national address base through the Géoplateforme; Belgium: a Nominatim
# server, ideally self-hosted; compagnon/geo/geocoders.py says why).
GEOCODER = os.environ.get("GEOCODER", "offline")
GEOCODER_FR_URL = os.environ.get("GEOCODER_FR_URL", "https://data.geopf.fr/geocodage/search")
GEOCODER_BE_URL = os.environ.get("GEOCODER_BE_URL", "https://nominatim.openstreetmap.org/search")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "Compagnon (cooperative platform)")
# Travel estimate between two visits: straight line × detour factor at an average speed.
GEO_DETOUR_FACTOR = float(os.environ.get("GEO_DETOUR_FACTOR", "1.3"))
GEO_SPEED_KMH = float(os.environ.get("GEO_SPEED_KMH", "30"))
# The week proposal: how long the routing solver may search, and the working day.
PLANNING_SECONDS = int(os.environ.get("PLANNING_SECONDS", "6"))
PLANNING_DAY_START = os.environ.get("PLANNING_DAY_START", "08:00")
PLANNING_DAY_END = os.environ.get("PLANNING_DAY_END", "18:00")

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    if TRUSTED_PROXY_COUNT:
        # Our TLS-terminating proxy says the request came over HTTPS; without a proxy in front,
        # a client could claim it with the header, so it is not read.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    if not SECURE_SSL_REDIRECT:
        # Set to 0 on purpose: the proxy redirects HTTP to HTTPS itself (docs/production.md).
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy on every response (django-csp). Scripts and <style> elements come from
# this site or carry the request's nonce ({{ request.csp_nonce }}); no third-party origin, no inline
# event handler (onclick=…: use data-* attributes handled by core/static/core/behaviours.js).
# style="" attributes stay allowed (style-src-attr): they cannot run code, and brand colours are
# set that way. Swagger UI (/api/docs/) loads its init script from its own URL (split view).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if PRODUCTION:
    from compagnon.core.checks import unsafe_production_settings

    _problems = unsafe_production_settings(globals())
    if _problems:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Refusing to start with an unsafe production configuration:\n- "
            + "\n- ".join(_problems)
        )
