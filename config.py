"""Configuration. Every value can be overridden with an environment variable prefixed MELDPUNT_
(e.g. MELDPUNT_PROFILE=coevorden) or in instance/meldpunt.cfg; DATABASE_URL and SECRET_KEY are also read
without the prefix, as hosting platforms set them."""

import os
from datetime import timedelta


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///meldpunt.db")

    # Which municipality this deployment serves: emmen, coevorden or midden-drenthe.
    PROFILE = os.environ.get("MELDPUNT_PROFILE", "emmen")

    # The languages of every public page and mail (issue 11), in the order the chooser shows them. English is the
    # source language (msgids); the others each have a catalogue in meldpunt/translations/.
    LANGUAGES = ["nl", "en", "de", "pl", "ar", "uk"]
    # A returning phone keeps the language it chose: a cookie besides the session (which ends with the browser).
    LANGUAGE_COOKIE_NAME = "lang"
    LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    # Photos: the form refuses files over PHOTO_MAX_BYTES and keeps the rest of what was typed; only a
    # request over MAX_CONTENT_LENGTH is refused before the form can be read.
    PHOTO_MAX_BYTES = 10 * 1024 * 1024
    PHOTO_MAX_PIXELS = 2048
    # All photos of forms not yet sent together (a form keeps at most one); beyond this new photos are refused
    # with a message, so a flood of uploads cannot fill the disk. They are removed by `flask privacy-sweep`.
    PHOTO_PENDING_MAX_BYTES = 1024 * 1024 * 1024
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_FOLDER = None  # default: <instance>/uploads
    # Reports in progress (meldpunt/reports/drafts.py), so a language switch, Back or a refused send loses
    # nothing; dropped when sent, removed by `flask privacy-sweep` after 4 hours.
    DRAFT_FOLDER = None  # default: <instance>/drafts

    # "Quick exit" on every public page: replaces the page with this neutral one (and leaves no history entry).
    QUICK_EXIT_URL = "https://www.knmi.nl/nederland-nu/weer/verwachtingen"

    # Map tiles. PDOK's BRT-Achtergrondkaart is the Dutch government's base map: no tracking, no key.
    TILE_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
    TILE_ATTRIBUTION = 'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a>'

    # Place search without the map: "gazetteer" (offline list of the profile's places) or "pdok". With "pdok" the
    # review also names the nearest address through PDOK's reverse lookup (<PDOK_LOCATIESERVER_URL>/reverse);
    # otherwise it names the nearest place of the gazetteer.
    GEOCODER = "gazetteer"
    PDOK_LOCATIESERVER_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"

    # Rate limits for anonymous endpoints (Flask-Limiter). Use Redis in production so that limits hold across
    # worker processes: MELDPUNT_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0
    RATELIMIT_STORAGE_URI = "memory://"
    # When Redis is unreachable, each process counts in its own memory (a warning is logged) and reporting goes
    # on; the limits go back to Redis when it answers again. Short timeouts: a hanging Redis must not hang a form.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SUBMIT = "10 per hour;3 per minute"  # reports stored; refused or expired forms do not count
    # A report kept on the phone without a connection has its own budget (web/offline.py): it was made earlier,
    # so it must not be refused as the Nth send in a row; the budget still stops a flood from one address.
    RATELIMIT_QUEUED_SEND = "10 per hour;3 per minute"
    RATELIMIT_FORM_STEPS = "60 per minute"  # checking, searching, changing: every step of the form
    RATELIMIT_SEARCH = "60 per minute"
    RATELIMIT_TRACKING = "30 per minute"
    RATELIMIT_PUBLIC_FIGURES = (
        "60 per minute"  # the public figures pages (also per area) and the map layer, per address
    )
    RATELIMIT_LINK_MAIL = "5 per hour"  # "mail me this link" on the receipt
    RATELIMIT_OPEN311_ADDRESS = "120 per minute"  # every Open311 call, per client address
    RATELIMIT_OPEN311_KEY = "600 per hour;30 per minute"  # reports filed through Open311, per api_key

    # How many reverse proxies (the TLS terminator, a load balancer) stand in front of the app. Their
    # X-Forwarded-For and X-Forwarded-Proto are trusted for that many hops, so that rate limits count per
    # resident, not per proxy. 0: those headers are ignored (anyone can forge them).
    TRUSTED_PROXIES = 0
    HSTS_MAX_AGE = 365 * 24 * 3600

    # Staff sessions live on the server (table staff_session) and end on logout, "sign out everywhere", account
    # changes, after STAFF_IDLE_TIMEOUT without a request, and PERMANENT_SESSION_LIFETIME after signing in
    # whatever happens (field mode's polling keeps a session active, but never past this limit). Both accept a
    # number of seconds from the environment, e.g. MELDPUNT_STAFF_IDLE_TIMEOUT=900.
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Requests per client address to the sign-in forms (Flask-Limiter). Wrong passwords are also slowed down
    # per account name and per address, in the database (meldpunt/staff/throttle.py).
    RATELIMIT_LOGIN = "20 per minute"

    # Password hashing (argon2id): argon2-cffi's defaults (RFC 9106, low-memory profile). Hashes made with other
    # settings are rehashed when that person next signs in. MEMORY_COST is in KiB.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = 4 * 3600  # a frightened person may take a while; the form is not cached

    MAIL_DEFAULT_SENDER = ("Gemeente", "noreply@example.invalid")
    # The site's public address, e.g. https://meldpunt.emmen.nl: the base of every link in mails and on the
    # receipt. Required: links are never built from the request's Host header, which anyone can forge.
    PUBLIC_BASE_URL = None

    # A report about something that happened longer ago than this is refused with a message (call us instead).
    INCIDENT_MAX_AGE_DAYS = 365

    # Retention after a report is closed (DESIGN §6); enforced by `flask privacy-sweep`, shown on /privacy.
    RETENTION_CONTACT_DAYS = 30
    RETENTION_EXACT_LOCATION_DAYS = 30
    RETENTION_CONTENT_DAYS = 365
    RETENTION_GRID_M = 50

    # The queue counts each state's reports up to this many and then shows "more than" (a page never counts a
    # million rows; each count is one index read).
    QUEUE_COUNT_LIMIT = 10_000

    SQLALCHEMY_ENGINE_OPTIONS = {"plugins": ["geoalchemy2"]}
    # A PostgreSQL streaming replica for the analysis pages, their exports and /cijfers/ (GET requests only;
    # everything else reads and writes the primary). None: everything on DATABASE_URL.
    REPLICA_DATABASE_URL = None


class DevelopmentConfig(Config):
    """`make run` (MELDPUNT_CONFIG=config.DevelopmentConfig): the embedded database on http://127.0.0.1:5000, so
    cookies over plain http and links to that address."""

    SESSION_COOKIE_SECURE = False
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"


class ProductionConfig(Config):
    """deploy/ runs the site, the outbox worker and the sweep with MELDPUNT_CONFIG=config.ProductionConfig: the app
    refuses to start while a setting is unsafe (meldpunt/production.py says which and what to set)."""

    PRODUCTION = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://localhost"  # the test client's host

    # Cheap password hashes: the tests sign in hundreds of times. Never use these in production.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
