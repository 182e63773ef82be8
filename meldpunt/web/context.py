"""What every template can use."""

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from meldpunt.profiles import current_profile
from meldpunt.reports.photos import megabytes
from meldpunt.staff.roles import BOA, field_team_of
from meldpunt.web.report_forms import choice_label

# Every page a resident may see gets the quick exit button (templates/public/_quick_exit.html), error pages
# included; staff pages do not.
STAFF_BLUEPRINTS = frozenset({"auth", "staff", "field", "admin", "analysis"})


def init_context(app: Flask) -> None:
    @app.context_processor
    def inject_profile():
        locale = str(get_locale() or "nl")
        return {"profile": current_profile(), "locale": locale, "languages": app.config["LANGUAGES"],
                "quick_exit": has_request_context() and request.blueprint not in STAFF_BLUEPRINTS}  # fmt: skip

    @app.context_processor
    def inject_field_team():
        """A field worker's team (profiles.FieldTeam): how navigation and field mode name them (boa, straatcoach,
        toezichthouder)."""
        if not has_request_context() or not current_user.is_authenticated or not current_user.has_role(BOA):
            return {"field_team": None}
        return {"field_team": field_team_of(current_user)}

    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(megabytes, "megabytes")

    @app.template_filter("localname")
    def localname(obj):
        return obj.name(str(get_locale() or "nl"))
