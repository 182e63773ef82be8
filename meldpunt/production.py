"""The settings a production site must have. With PRODUCTION on (config.ProductionConfig, which deploy/ uses) the
app refuses to start while any of them is unsafe, and says for each what to set: a municipality finds out at the
deploy, not from a leaked session or a limit that only holds in one process."""

import os

from flask import Config

# Secrets that appear in this repository, its docs or common examples.
KNOWN_SECRETS = {"dev", "test-secret-key", "secret", "change-me", "changeme", "x"}
MIN_SECRET_LENGTH = 32
_TRUE = {"1", "true", "yes", "on"}


def production_problems(config: Config, debug: bool) -> list[str]:
    problems = []
    if debug or os.environ.get("FLASK_DEBUG", "").lower() in _TRUE:
        problems.append(
            "Debug mode is on: it shows code and data to anyone who causes an error. "
            "Unset FLASK_DEBUG and MELDPUNT_DEBUG."
        )
    secret = config.get("SECRET_KEY") or ""
    if secret in KNOWN_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            f"SECRET_KEY is missing, a known example or shorter than {MIN_SECRET_LENGTH} characters. Set "
            "MELDPUNT_SECRET_KEY to the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith(("postgresql", "postgres://")):
        problems.append(
            "The database is not PostgreSQL: production runs on PostgreSQL + PostGIS. "
            "Set DATABASE_URL=postgresql://user@host:5432/meldpunt"
        )
    base = config.get("PUBLIC_BASE_URL") or ""
    if not base.startswith("https://"):
        problems.append(
            "PUBLIC_BASE_URL is not an https address: links in mails would be sent in the clear. "
            "Set MELDPUNT_PUBLIC_BASE_URL=https://meldpunt.example.nl"
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        problems.append(
            "Rate limits are kept in memory, so each process counts on its own. "
            "Set MELDPUNT_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0"
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("Session cookies may travel over plain http. Unset MELDPUNT_SESSION_COOKIE_SECURE.")
    sender = config.get("MAIL_DEFAULT_SENDER") or ""
    address = sender[1] if isinstance(sender, (tuple, list)) else str(sender)
    if not address or address.endswith(".invalid"):
        problems.append(
            "Mails would go out from a placeholder address. Set MELDPUNT_MAIL_DEFAULT_SENDER, e.g. "
            '\'["Gemeente Emmen", "noreply@emmen.nl"]\', and MELDPUNT_MAIL_SERVER.'
        )
    return problems
