"""The public figures page (DESIGN §9): what residents, the council and the press may see, without signing in.
Only counts of at least five reports; never a single report, never a restricted one."""

from flask import Blueprint, Response, current_app, render_template

from meldpunt.analysis.exports import json_text
from meldpunt.analysis.public_figures import (
    K_ANONYMITY,
    PUBLIC_CELL_M,
    counts_per_area,
    median_closing_days,
    public_cells,
    public_period,
)
from meldpunt.analysis.targets import all_target_statuses
from meldpunt.db_types import utcnow
from meldpunt.maps.assets import LEAFLET
from meldpunt.maps.picker import analysis_map
from meldpunt.profiles import LOCAL_TZ, current_profile
from meldpunt.web.access import reads_may_lag

bp = Blueprint("transparency", __name__, url_prefix="/cijfers")

bp.before_request(reads_may_lag)


def _today():
    return utcnow().astimezone(LOCAL_TZ).date()


@bp.get("/")
def index():
    filters = public_period(_today())
    months, areas = counts_per_area(filters)
    return render_template(
        "public/figures.html",
        filters=filters,
        months=months,
        areas=areas,
        lead_times=median_closing_days(filters),
        targets=all_target_statuses(_today()),
        k=K_ANONYMITY,
        cell_m=PUBLIC_CELL_M,
        map=analysis_map(current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"]),
        map_css=[f"{LEAFLET}/leaflet.css"],
        map_js=[f"{LEAFLET}/leaflet.js"],
    )


@bp.get("/cellen.geojson")
def cells():
    """The public figures' map: reports per 250 m cell over the public period, only cells of at least five reports.
    ---
    get:
      tags: [Public figures]
      responses:
        "200":
          description: One feature per cell (properties count and cell_m)
          content: {application/geo+json: {schema: {$ref: "#/components/schemas/FeatureCollection"}}}
    """
    return Response(json_text(public_cells(public_period(_today()))), mimetype="application/geo+json")
