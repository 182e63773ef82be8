"""A production site refuses to start with an unsafe setting, and says what to set (no database is touched)."""

import pytest

from meldpunt import create_app

SAFE = dict(
    SECRET_KEY="5f0c8e7a2b9d4c1e6a3f8b0d7e2c9a4f1b6d3e8a0c5f2b7d",
    SQLALCHEMY_DATABASE_URI="postgresql://meldpunt@127.0.0.1:5432/meldpunt",
    PUBLIC_BASE_URL="https://meldpunt.emmen.nl",
    RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
    MAIL_DEFAULT_SENDER=("Gemeente Emmen", "noreply@emmen.nl"),
)


def test_safe_settings_start():
    app = create_app("config.ProductionConfig", **SAFE)
    assert app.config["PRODUCTION"] and not app.debug


@pytest.mark.parametrize(
    ("unsafe", "names"),
    [
        ({"DEBUG": True}, "FLASK_DEBUG"),
        ({"SECRET_KEY": "dev"}, "MELDPUNT_SECRET_KEY"),
        ({"SECRET_KEY": "short-but-not-empty"}, "MELDPUNT_SECRET_KEY"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///meldpunt.db"}, "DATABASE_URL=postgresql://"),
        ({"PUBLIC_BASE_URL": "http://meldpunt.emmen.nl"}, "MELDPUNT_PUBLIC_BASE_URL=https://"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "MELDPUNT_RATELIMIT_STORAGE_URI=redis://"),
        ({"SESSION_COOKIE_SECURE": False}, "MELDPUNT_SESSION_COOKIE_SECURE"),
        ({"MAIL_DEFAULT_SENDER": ("Gemeente", "noreply@example.invalid")}, "MELDPUNT_MAIL_DEFAULT_SENDER"),
    ],
)
def test_each_unsafe_setting_is_refused_with_what_to_set(unsafe, names):
    with pytest.raises(RuntimeError, match="Refusing to start in production") as refused:
        create_app("config.ProductionConfig", **(SAFE | unsafe))
    assert names in str(refused.value)
    assert str(refused.value).count("\n- ") == 1  # only the unsafe setting is named


def test_debug_from_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app("config.ProductionConfig", **SAFE)


def test_every_problem_is_listed_at_once():
    with pytest.raises(RuntimeError) as refused:
        create_app("config.ProductionConfig", SECRET_KEY="dev", PUBLIC_BASE_URL="https://meldpunt.emmen.nl")
    message = str(refused.value)
    for name in ("MELDPUNT_SECRET_KEY", "DATABASE_URL", "MELDPUNT_RATELIMIT_STORAGE_URI", "MAIL_DEFAULT_SENDER"):
        assert name in message
