"""Samen alert: report street harassment, nuisance and unsafe places to your municipality."""

import os

from flask import Flask

from meldpunt.extensions import babel, csrf, db, limiter, mail, migrate


def create_app(config: str | object = "config.Config", **overrides) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_object(config)
    app.config.from_pyfile("meldpunt.cfg", silent=True)
    app.config.from_prefixed_env("MELDPUNT")
    app.config.update(overrides)
    _check_config(app)
    os.makedirs(app.instance_path, exist_ok=True)

    from meldpunt.geo.engine import engine_options, normalise_database_url

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    )

    import meldpunt.models  # noqa: F401  (complete metadata for migrations)
    from meldpunt.migrations_support import migrate_options
    from meldpunt.web.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), **migrate_options())
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)

    from meldpunt.maps.assets import localise_folium_assets

    localise_folium_assets()

    from meldpunt.web import register_web

    register_web(app)

    from meldpunt.cli import register_cli

    register_cli(app)
    return app


def _check_config(app: Flask) -> None:
    from meldpunt.profiles import get_profile

    if not app.testing and app.config.get("SECRET_KEY") in (None, "", "dev"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set MELDPUNT_SECRET_KEY (or SECRET_KEY), or put SECRET_KEY in "
            "instance/meldpunt.cfg; `make run` creates one for the demo."
        )
    get_profile(app.config["PROFILE"])  # fail at start-up, not on the first report
