"""Blueprints and request-wide behaviour. Views here call the domain modules; never the other way round."""

from flask import Flask

from meldpunt.extensions import csrf


def register_web(app: Flask) -> None:
    from meldpunt.web import (
        admin,
        analysis,
        area_feedback,
        auth,
        events,
        field,
        health,
        intake,
        offline,
        open311,
        openapi,
        public,
        schouw,
        staff,
        tracking,
        transparency,
    )
    from meldpunt.web.access import init_access
    from meldpunt.web.compression import init_compression
    from meldpunt.web.context import init_context
    from meldpunt.web.errors import init_errors
    from meldpunt.web.i18n import init_i18n
    from meldpunt.web.ids import DatabaseIdConverter
    from meldpunt.web.requests import CleanRequest, clean_view_args
    from meldpunt.web.security import init_security
    from meldpunt.web.static_files import init_static_files

    app.request_class = CleanRequest
    app.url_value_preprocessor(clean_view_args)
    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule is added: every <int:…> is an id
    app.register_blueprint(public.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(tracking.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(schouw.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(field.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(transparency.bp)
    app.register_blueprint(area_feedback.bp)
    app.register_blueprint(area_feedback.contacts_bp)
    app.register_blueprint(open311.bp)
    app.register_blueprint(openapi.bp)
    init_access(app)
    csrf.exempt(health.bp)
    csrf.exempt(open311.bp)  # machine clients: the api_key, not a session, authorises a POST
    init_security(app)
    init_static_files(app)
    init_errors(app)
    init_context(app)
    init_compression(app)
    init_i18n(app)
