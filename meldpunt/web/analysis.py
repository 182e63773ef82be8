"""The analysis pages and exports (DESIGN §9) for OOV and the analist: figures, never people."""

from flask import Blueprint, render_template

from meldpunt.staff.roles import ANALIST, OOV
from meldpunt.web.access import roles_required

bp = Blueprint("analysis", __name__, url_prefix="/analyse")


@bp.get("/")
@roles_required(OOV, ANALIST)
def index():
    return render_template("analysis/index.html")
