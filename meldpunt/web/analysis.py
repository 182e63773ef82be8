"""OOV's analysis pages (DESIGN §9): where and when, trends against targets, lead times, exports. For OOV and the
analist; aggregated figures only, never a report's detail, contact data or free text."""

from datetime import date

import sqlalchemy as sa
from babel.dates import get_day_names
from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from meldpunt.analysis import exports, warnings
from meldpunt.analysis.filters import AnalysisFilters, filter_categories, filter_kinds
from meldpunt.analysis.hotspots import (
    CELL_SIZES,
    CLUSTER_DISTANCES,
    CLUSTER_MIN_POINTS,
    cells_geojson,
    clusters,
    clusters_geojson,
    heat_points,
)
from meldpunt.analysis.leadtimes import lead_times
from meldpunt.analysis.models import Signal
from meldpunt.analysis.patterns import HOURS, WEEKDAYS, hour_weekday_matrix
from meldpunt.analysis.public_figures import K_ANONYMITY, public_area_kind
from meldpunt.analysis.safety_feeling import LEVEL_LABELS, feeling_levels, safety_feeling_per_area
from meldpunt.analysis.targets import all_target_statuses
from meldpunt.analysis.trends import top_categories, top_of, trend_table
from meldpunt.analysis.unsafe_spots import before_and_after, unsafe_spots
from meldpunt.analysis.woonoverlast import woonoverlast_view
from meldpunt.events.planning import event_choices
from meldpunt.extensions import db
from meldpunt.filter_days import filter_day, out_of_range_message, outside_range
from meldpunt.geo.models import Area
from meldpunt.maps.assets import HEAT, LEAFLET
from meldpunt.maps.picker import analysis_map
from meldpunt.profiles import LOCAL_TZ, PARTNER_LABELS, current_profile
from meldpunt.reports.queries import readable_queues
from meldpunt.reports.workflow import OUTCOMES
from meldpunt.staff.roles import ANALYSIS_ROLES, OOV, REPORT_ROLES
from meldpunt.web.access import reads_may_lag, roles_required
from meldpunt.web.report_forms import WOON_SUBTYPES
from meldpunt.web.staff_forms import AcknowledgeForm

bp = Blueprint("analysis", __name__, url_prefix="/analyse")

bp.before_request(reads_may_lag)


@bp.context_processor
def weekday_names():
    names = get_day_names("wide", locale=get_locale())  # Babel's own names: 0 = Monday
    return {"weekday_names": {day + 1: name.capitalize() for day, name in names.items()}, "hours": HOURS,
            "weekdays": WEEKDAYS}  # fmt: skip


def _today() -> date:
    from meldpunt.db_types import utcnow

    return utcnow().astimezone(LOCAL_TZ).date()


def _filters() -> AnalysisFilters:
    return AnalysisFilters.from_args(request.args, today=_today())


def _choice(name: str, allowed, default):
    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if value in allowed else default


def _filter_choices() -> dict:
    return {
        "kinds": filter_kinds(),
        "categories": filter_categories(),
        "areas": list(db.session.scalars(sa.select(Area).where(Area.kind != "gemeente").order_by(Area.name))),
        "weekdays": WEEKDAYS,
        "hours": HOURS,
        "events": event_choices(),
    }


@bp.get("/")
@roles_required(*ANALYSIS_ROLES)
def index():
    filters = _filters()
    conditions = filters.conditions()
    cell_m = _choice("cel", CELL_SIZES, 250)
    eps = _choice("afstand", CLUSTER_DISTANCES, 100)
    min_points = _choice("minimum", CLUSTER_MIN_POINTS, 5)
    layer_args = filters.as_args()
    profile = current_profile()
    # Clustered once per page: the table lists them and the map draws the same hulls from the page itself.
    found = clusters(conditions, eps, min_points)
    return render_template(
        "analysis/index.html",
        filters=filters,
        args=layer_args,
        choices=_filter_choices(),
        cell_m=cell_m,
        eps=eps,
        min_points=min_points,
        # The map's settings ride along when the filters change.
        extra_fields={"cel": cell_m, "afstand": eps, "minimum": min_points},
        cell_sizes=CELL_SIZES,
        distances=CLUSTER_DISTANCES,
        minimums=CLUSTER_MIN_POINTS,
        matrix=hour_weekday_matrix(conditions),
        open_signals=warnings.open_signals_count(),
        clusters=found[:15],
        cluster_layer=clusters_geojson(found),
        top=top_categories(filters),
        targets=all_target_statuses(_today()),
        summary_months=[
            (first.strftime("%Y-%m"), format_date(first, "LLLL yyyy")) for first in exports.summary_months(_today())
        ],  # fmt: skip
        map=analysis_map(profile, current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"]),
        map_css=[f"{LEAFLET}/leaflet.css"],
        map_js=[f"{LEAFLET}/leaflet.js", f"{HEAT}/leaflet-heat.js"],
        layer_urls={
            "grid": url_for("analysis.grid_layer", cel=cell_m, **layer_args),
            "heat": url_for("analysis.heat_layer", **layer_args),
        },
    )


@bp.get("/lagen/raster.geojson")
@roles_required(*ANALYSIS_ROLES)
def grid_layer():
    """The analysis map's grid: the number of reports per cell (restricted categories never counted).
    ---
    get:
      tags: [Analysis]
      security: [{staffSession: []}]
      x-roles: [oov, analist]
      parameters:
        - {in: query, name: cel, description: cell size in metres, schema: {type: integer, enum: [100, 250, 500]}}
        - AnalysisFilters
      responses:
        "200":
          description: One feature per cell with reports (properties count and cell_m)
          content: {application/geo+json: {schema: {$ref: "#/components/schemas/FeatureCollection"}}}
        "302": SignIn
        "403": Forbidden
    """
    layer = cells_geojson(_filters().conditions(), _choice("cel", CELL_SIZES, 250))
    return Response(exports.json_text(layer), mimetype="application/geo+json")


@bp.get("/lagen/warmte.json")
@roles_required(*ANALYSIS_ROLES)
def heat_layer():
    """The analysis map's heat layer: [lat, lon, count] per spot.
    ---
    get:
      tags: [Analysis]
      security: [{staffSession: []}]
      x-roles: [oov, analist]
      parameters: [AnalysisFilters]
      responses:
        "200":
          description: The points
          content:
            application/json:
              schema: {type: array, items: {type: array, items: {type: number}, minItems: 3, maxItems: 3}}
        "302": SignIn
        "403": Forbidden
    """
    return jsonify(heat_points(_filters().conditions()))


@bp.get("/lagen/clusters.geojson")
@roles_required(*ANALYSIS_ROLES)
def cluster_layer():
    """The analysis map's clusters (DBSCAN by the database): each cluster's outline, count, first and last report.
    ---
    get:
      tags: [Analysis]
      security: [{staffSession: []}]
      x-roles: [oov, analist]
      parameters:
        - {in: query, name: afstand, description: metres to a neighbour, schema: {type: integer, enum: [50, 100, 200]}}
        - {in: query, name: minimum, description: reports in a cluster, schema: {type: integer, enum: [3, 5, 10]}}
        - AnalysisFilters
      responses:
        "200":
          description: One feature per cluster
          content: {application/geo+json: {schema: {$ref: "#/components/schemas/FeatureCollection"}}}
        "302": SignIn
        "403": Forbidden
    """
    found = clusters(
        _filters().conditions(), _choice("afstand", CLUSTER_DISTANCES, 100), _choice("minimum", CLUSTER_MIN_POINTS, 5)
    )
    layer = clusters_geojson(found)
    return Response(exports.json_text(layer), mimetype="application/geo+json")


def _acknowledge_form(signal_id: int) -> AcknowledgeForm:
    # One form per signal, each with its own field ids (a label must point at its own note).
    return AcknowledgeForm(prefix=f"s{signal_id}")


def _signal_page(*, failed: tuple[int, AcknowledgeForm] | None = None, status: int = 200):
    found = warnings.signals()
    forms = {s.id: _acknowledge_form(s.id) for s in found if s.acknowledged_at is None}
    if failed:
        forms[failed[0]] = failed[1]
    page = render_template("analysis/signals.html", signals=found, positions=warnings.positions(found), forms=forms,
                           may_acknowledge=current_user.has_role(OOV), args={})  # fmt: skip
    return page, status


@bp.get("/signalen")
@roles_required(*ANALYSIS_ROLES)
def signal_list():
    return _signal_page()


@bp.post("/signalen/<int:signal_id>/gezien")
@roles_required(OOV)
def acknowledge_signal(signal_id):
    signal = db.session.get(Signal, signal_id) or abort(404)
    form = _acknowledge_form(signal_id)
    if not form.validate_on_submit():
        return _signal_page(failed=(signal_id, form), status=422)  # the note stays, with what is wrong
    if warnings.acknowledge(signal, form.note.data, current_user):
        db.session.commit()
        flash(_("The signal is marked as seen."))
    else:
        flash(_("%(name)s already marked this signal as seen.",
                name=signal.acknowledged_by.name if signal.acknowledged_by else _("A colleague")))  # fmt: skip
    return redirect(url_for("analysis.signal_list"))


@bp.get("/onveilige-plekken")
@roles_required(*ANALYSIS_ROLES)
def unsafe_spot_page():
    filters = _filters()
    spot, measure_on = request.args.get("plek", ""), filter_day(request.args.get("maatregel"))
    return render_template(
        "analysis/unsafe_spots.html",
        filters=filters,
        args=filters.as_args(),
        choices=_filter_choices(),
        spots=unsafe_spots(filters),
        spot=spot,
        measure_on=measure_on,
        date_problem=outside_range(request.args.get("maatregel")) and out_of_range_message(),
        extra_fields={name: value for name, value in (("plek", spot), ("maatregel", measure_on)) if value},
        comparison=before_and_after(spot, measure_on) if spot and measure_on else None,
    )


@bp.get("/woonoverlast")
@roles_required(*ANALYSIS_ROLES)
def woonoverlast_page():
    filters = _filters()
    return render_template(
        "analysis/woonoverlast.html",
        filters=filters,
        args=filters.as_args(),
        choices=_filter_choices(),
        view=woonoverlast_view(filters),
        subtype_labels={choice.value: choice.label for choice in WOON_SUBTYPES},
        outcomes=OUTCOMES,
        partners=PARTNER_LABELS,
    )


@bp.get("/veiligheidsbeleving")
@roles_required(*ANALYSIS_ROLES)
def safety_feeling_page():
    filters = _filters()
    levels = feeling_levels()
    default = public_area_kind() if public_area_kind() in levels else next(iter(levels), None)
    level = request.args.get("niveau") if request.args.get("niveau") in levels else default
    return render_template(
        "analysis/safety_feeling.html",
        filters=filters,
        args=filters.as_args(),
        choices=_filter_choices(),
        levels={kind: LEVEL_LABELS[kind] for kind in levels},
        level=level,
        extra_fields={"niveau": level} if level else {},
        view=safety_feeling_per_area(filters, level) if level else None,
        minimum=K_ANONYMITY,
    )


@bp.get("/trends")
@roles_required(*ANALYSIS_ROLES)
def trends():
    filters = _filters()
    table = trend_table(filters)
    return render_template(
        "analysis/trends.html",
        filters=filters,
        args=filters.as_args(),
        choices=_filter_choices(),
        table=table,
        targets=all_target_statuses(_today()),
        top=top_of(table),
        locale=str(get_locale() or "nl"),
    )


@bp.get("/doorlooptijden")
@roles_required(*ANALYSIS_ROLES)
def lead_time_page():
    filters = _filters()
    return render_template(
        "analysis/lead_times.html",
        filters=filters,
        args=filters.as_args(),
        choices=_filter_choices(),
        rows=lead_times(filters.conditions()),
        overdue=exports.overdue_counts(),
        # The overdue counts link to the queues this user may open (staff.queue's own checks).
        openable_queue_ids={q.id for q in readable_queues(current_user)}
        if current_user.role_set & REPORT_ROLES
        else set(),
    )


@bp.get("/export.<fmt>")
@roles_required(*ANALYSIS_ROLES)
def export(fmt):
    """Pseudonymised reports: no contact data, no free text, the location as a 100 m cell. Audited.
    ---
    get:
      tags: [Analysis]
      security: [{staffSession: []}]
      x-roles: [oov, analist]
      parameters:
        - {in: path, name: fmt, required: true, schema: {type: string, enum: [csv, geojson, xlsx]}}
        - AnalysisFilters
      responses:
        "200":
          description: The reports, as a download
          content:
            application/geo+json: {schema: {$ref: "#/components/schemas/FeatureCollection"}}
            text/csv: {schema: {type: string}}
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {schema: {type: string, format: binary}}
        "302": SignIn
        "403": Forbidden
        "404": NotFound
    """
    if fmt not in exports.FORMATS:
        return render_template("errors/404.html"), 404
    filters = _filters()
    body, mimetype, filename = exports.export(filters, fmt, by=current_user)
    db.session.commit()  # the audit entry
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/maandoverzicht.xlsx")
@roles_required(*ANALYSIS_ROLES)
def monthly_summary():
    """The monthly summary for the Dashboard Veiligheid: top 7, trends, targets, lead times, hotspots."""
    month = request.args.get("maand") or _today().strftime("%Y-%m")
    body, filename = exports.monthly_summary(month, today=_today(), by=current_user)
    db.session.commit()
    response = Response(body, mimetype=exports.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
