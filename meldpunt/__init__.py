"""Samen alert: report street harassment, nuisance and unsafe places to your municipality."""

import os
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from meldpunt.extensions import babel, csrf, db, limiter, mail, migrate


class MeldpuntFlask(Flask):
    def get_send_file_max_age(self, filename: str | None) -> int | None:
        from meldpunt.web.static_files import versioned_max_age

        return versioned_max_age(self, filename) if filename else super().get_send_file_max_age(filename)

    def log_exception(self, exc_info) -> None:
        # Name the route, never the path: paths under /volg/ carry a reporter's secret token.
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        self.logger.error("Exception on %s (%s) [%s]", request.endpoint, rule, request.method, exc_info=exc_info)


def create_app(config: str | object | None = None, **overrides) -> Flask:
    """The app. `config`: a config class or its import path; default MELDPUNT_CONFIG, else config.Config."""
    config = config or os.environ.get("MELDPUNT_CONFIG") or "config.Config"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = MeldpuntFlask(
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
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    os.makedirs(app.instance_path, exist_ok=True)

    from meldpunt.geo.engine import engine_options, normalise_database_url

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    base_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"], base_options)
    if replica := app.config.get("REPLICA_DATABASE_URL"):
        from meldpunt.read_replica import REPLICA

        replica = normalise_database_url(replica)
        if not replica.startswith("postgresql") or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError(
                "REPLICA_DATABASE_URL is for a PostgreSQL streaming replica of a PostgreSQL primary; "
                "unset MELDPUNT_REPLICA_DATABASE_URL."
            )
        app.config["SQLALCHEMY_BINDS"] = {REPLICA: {"url": replica, **engine_options(replica, base_options)}}

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

    if app.config.get("PRODUCTION"):
        from meldpunt.production import production_problems

        if problems := production_problems(app.config, debug=app.debug):
            raise RuntimeError("Refusing to start in production:\n- " + "\n- ".join(problems))
    if not app.testing and app.config.get("SECRET_KEY") in (None, "", "dev"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set MELDPUNT_SECRET_KEY (or SECRET_KEY), or put SECRET_KEY in "
            "instance/meldpunt.cfg; `make run` creates one for the demo."
        )
    get_profile(app.config["PROFILE"])  # fail at start-up, not on the first report
    base = (app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuntimeError(
            "PUBLIC_BASE_URL is not set to the site's address "
            "(e.g. MELDPUNT_PUBLIC_BASE_URL=https://meldpunt.emmen.nl). Links in mails and on the receipt are "
            "built from it, never from the request's Host header."
        )
    app.config["PUBLIC_BASE_URL"] = base
