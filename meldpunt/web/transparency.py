"""The public figures page (DESIGN §9): what residents, the council and the press may see, without signing in.
Only counts of at least five reports; never a single report, never a restricted one.

The figures aggregate a year of reports: they are made once a day per profile and kept in the worker (so that
anonymous requests cannot make the database count a year again and again), and the pages are rate limited."""

import threading

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template

from meldpunt.analysis.exports import json_text
from meldpunt.analysis.models import Target
from meldpunt.analysis.public_figures import K_ANONYMITY, PUBLIC_CELL_M, PublicFigures, public_figures
from meldpunt.db_types import utcnow
from meldpunt.extensions import db, limiter
from meldpunt.maps.assets import LEAFLET
from meldpunt.maps.picker import analysis_map
from meldpunt.profiles import LOCAL_TZ, current_profile
from meldpunt.web.access import reads_may_lag

bp = Blueprint("transparency", __name__, url_prefix="/cijfers")

bp.before_request(reads_may_lag)

_LOCK = threading.Lock()


def _limit():
    return current_app.config["RATELIMIT_PUBLIC_FIGURES"]


def _today():
    return utcnow().astimezone(LOCAL_TZ).date()


def _figures() -> PublicFigures:
    """Today's figures of the active profile: made by the first request of the day in this worker, then kept."""
    key = (current_profile().code, _today())
    kept = current_app.extensions.setdefault("meldpunt.public_figures", {})
    with _LOCK:  # one request makes them; the others of that moment wait for them
        if key not in kept:
            figures = public_figures(key[1])
            kept.clear()  # yesterday's figures go
            kept[key] = figures
        return kept[key]


@bp.get("/")
@limiter.limit(_limit)
def index():
    figures = _figures()
    targets = {t.id: t for t in db.session.scalars(sa.select(Target).where(Target.id.in_(dict(figures.targets))))}
    return render_template(
        "public/figures.html",
        filters=figures.period,
        months=figures.months,
        areas=figures.areas,
        lead_times=figures.lead_times,
        targets=[(targets[i], on_track) for i, on_track in figures.targets if i in targets],
        k=K_ANONYMITY,
        cell_m=PUBLIC_CELL_M,
        map=analysis_map(current_profile(), current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"]),
        map_css=[f"{LEAFLET}/leaflet.css"],
        map_js=[f"{LEAFLET}/leaflet.js"],
    )


@bp.get("/cellen.geojson")
@limiter.limit(_limit)
def cells():
    """The public figures' map: reports per 250 m cell over the public period, only cells of at least five reports.
    ---
    get:
      tags: [Public figures]
      responses:
        "200":
          description: One feature per cell (properties count and cell_m)
          content: {application/geo+json: {schema: {$ref: "#/components/schemas/FeatureCollection"}}}
        "429": {description: Too many requests from this address}
    """
    return Response(json_text(_figures().cells), mimetype="application/geo+json")
