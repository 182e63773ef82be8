"""Exports for analysts (DESIGN §6, §9): pseudonymised (a keyed pseudonym instead of the report, no contact data,
no free text, the location as the centre of a 100 m cell), as CSV, GeoJSON or XLSX, and the monthly summary for the
Dashboard Veiligheid as one workbook. Every export is written to the audit log."""

import csv
import hashlib
import hmac
import io
import json
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from meldpunt.analysis.filters import MOMENT, AnalysisFilters, report_scope
from meldpunt.analysis.hotspots import clusters
from meldpunt.analysis.leadtimes import lead_times
from meldpunt.analysis.targets import all_target_statuses
from meldpunt.analysis.trends import counts_per_category, top_of, trend_table
from meldpunt.dialect_sql import EpochSeconds, LocalHour, LocalWeekday
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, spatial
from meldpunt.geo.models import Area
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import OPEN_STATES, Category, Queue, Report
from meldpunt.reports.queries import overdue_condition
from meldpunt.staff.models import audit

EXPORT_CELL_M = 100
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json", "xlsx": XLSX_MIMETYPE}
COLUMNS = (
    "melding", "soort", "categorie", "wachtrij", "status", "uitkomst", "datum", "weekdag", "uur", "gebied",
    "gebied_bron", "cel_x_rd", "cel_y_rd", "cel_lat", "cel_lon", "uren_tot_reactie", "dagen_tot_afhandeling",
)  # fmt: skip


# A text cell starting with one of these is a formula to Excel and LibreOffice (CSV injection): an area name
# imported as '=HYPERLINK(...)' would run in the analyst's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text that a spreadsheet would run is shown as text: prefixed with ' (OWASP's advice). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _append(sheet, values) -> None:
    """One row of an XLSX sheet, every text a text cell: openpyxl would store text starting with = as a formula."""
    if sheet.parent.write_only:  # a write-only sheet writes the row out at once: mark the cells before
        cells = [WriteOnlyCell(sheet, value) for value in values]
        _as_text(cells)
        sheet.append(cells)
    else:
        sheet.append(values)
        _as_text(sheet[sheet.max_row])


def _as_text(cells) -> None:
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def pseudonym(report_id: int) -> str:
    """The same report gets the same pseudonym in every export (so exports can be combined); without the secret key
    it cannot be turned back into the report."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"export:{report_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _hours(end):
    return sa.case((end.is_not(None), (EpochSeconds(end) - EpochSeconds(Report.created_at)) / 3600.0))


def export_rows(filters: AnalysisFilters):
    """Dicts with COLUMNS, streamed from the database."""
    cx, cy = spatial.cell_centre_xy(*spatial.grid_cell(Report.rd_x, Report.rd_y, EXPORT_CELL_M), EXPORT_CELL_M)
    base = (
        sa.select(
            Report.id.label("id"),
            Report.kind,
            Category.code.label("category"),
            Queue.code.label("queue"),
            Report.state,
            Report.outcome,
            Report.created_at,
            LocalWeekday(MOMENT).label("weekday"),
            LocalHour(MOMENT).label("hour"),
            Area.name.label("area"),
            Area.source.label("area_source"),
            cx.label("cx"),
            cy.label("cy"),
            _hours(Report.first_response_at).label("response_h"),
            _hours(Report.closed_at).label("closing_h"),
        )
        .join(Category, Category.id == Report.category_id)
        .join(Queue, Queue.id == Report.queue_id)
        .outerjoin(Area, Area.id == Report.area_id)
        .where(*filters.conditions())
        .order_by(Report.created_at, Report.id)
        .subquery("rows")
    )
    centre = sa.func.ST_Transform(spatial.MakePoint(base.c.cx, base.c.cy, RD_NEW), WGS84)
    statement = sa.select(base, sa.func.ST_Y(centre).label("lat"), sa.func.ST_X(centre).label("lon"))
    for row in db.session.execute(statement.execution_options(yield_per=2000)).mappings():
        yield {
            "melding": pseudonym(row["id"]),
            "soort": row["kind"],
            "categorie": row["category"],
            "wachtrij": row["queue"],
            "status": row["state"],
            "uitkomst": row["outcome"] or "",
            "datum": row["created_at"].astimezone(LOCAL_TZ).date().isoformat(),
            "weekdag": row["weekday"],
            "uur": row["hour"],
            "gebied": row["area"] or "",
            "gebied_bron": row["area_source"] or "",
            "cel_x_rd": round(row["cx"]),
            "cel_y_rd": round(row["cy"]),
            "cel_lat": round(row["lat"], 6),
            "cel_lon": round(row["lon"], 6),
            "uren_tot_reactie": round(row["response_h"], 1) if row["response_h"] is not None else "",
            "dagen_tot_afhandeling": round(row["closing_h"] / 24, 1) if row["closing_h"] is not None else "",
        }


def _csv(rows) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        n += 1
    return out.getvalue().encode("utf-8-sig"), n  # with a BOM: spreadsheet programs then read UTF-8


def _geojson(rows) -> tuple[bytes, int]:
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k not in ("cel_lat", "cel_lon")},
            "geometry": {"type": "Point", "coordinates": [row["cel_lon"], row["cel_lat"]]},
        }
        for row in rows
    ]
    return json_text({"type": "FeatureCollection", "features": features}).encode(), len(features)


def _xlsx_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx(rows) -> tuple[bytes, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("meldingen")
    sheet.append(list(COLUMNS))
    n = 0
    for row in rows:
        _append(sheet, [row[c] for c in COLUMNS])
        n += 1
    return _xlsx_bytes(workbook), n


def export(filters: AnalysisFilters, fmt: str, *, by) -> tuple[bytes, str, str]:
    """(body, mimetype, file name) of the filtered reports; writes the audit entry (the caller commits)."""
    body, n = {"csv": _csv, "geojson": _geojson, "xlsx": _xlsx}[fmt](export_rows(filters))
    audit(by, "export", detail=f"{fmt}, {n} meldingen, filters {json_text(filters.as_args())}"[:500])
    return body, FORMATS[fmt], f"meldingen-{filters.date_from}-{filters.date_to}.{fmt}"


def overdue_counts() -> list[tuple[Queue, Category, int]]:
    """Open reports past their handling term, per queue and category."""
    rows = db.session.execute(
        sa.select(Report.queue_id, Report.category_id, sa.func.count())
        .where(overdue_condition(_now()), Report.state.in_(OPEN_STATES))
        .where(*report_scope())
        .group_by(Report.queue_id, Report.category_id)
    ).all()
    queues = {q.id: q for q in db.session.scalars(sa.select(Queue))}
    categories = {c.id: c for c in db.session.scalars(sa.select(Category))}
    return sorted(((queues[q], categories[c], n) for q, c, n in rows), key=lambda r: (r[0].code, -r[2]))


def _now():
    from meldpunt.db_types import utcnow

    return utcnow()


def _month_range(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def _month_before(first: date) -> tuple[date, date]:
    last = first - timedelta(days=1)
    return last.replace(day=1), last


def summary_months(today: date, count: int = 24) -> list[date]:
    """The first days of the months an analyst may pick for the monthly summary, the current month first."""
    months, first = [], today.replace(day=1)
    for _month in range(count):
        months.append(first)
        first = _month_before(first)[0]
    return months


def monthly_summary(month: str, *, today: date, by) -> tuple[bytes, str]:
    """The Dashboard Veiligheid's monthly file: top 7, trends against the calendar month before and the same month a
    year earlier, targets, lead times and hotspots, one sheet each, in the analyst's language. `month`: 'YYYY-MM'
    (a bad value: the current month)."""
    try:
        first, last = _month_range(month)
    except ValueError:
        first, last = _month_range(today.strftime("%Y-%m"))
    filters = AnalysisFilters(date_from=first, date_to=last)
    locale = str(get_locale() or "nl")
    workbook = Workbook()
    note = _("Counts are reports (meldingen) to the municipality, not police registrations.")

    table = trend_table(filters)
    sheet = workbook.active
    sheet.title = "Top 7"
    _append(sheet, [_("Monthly summary %(month)s", month=format_date(first, "LLLL yyyy")), note])
    _append(sheet, [_("Category"), _("Reports")])
    for category, count in top_of(table):
        _append(sheet, [category.name(locale), count])

    sheet = workbook.create_sheet(_("Trends"))
    # The calendar month before (trend_table's "period before" is the same number of days, which for March
    # would be 29 January to 28 February).
    before_first, before_last = _month_before(first)
    month_before = counts_per_category(AnalysisFilters(date_from=before_first, date_to=before_last))
    _append(sheet, [_("Category"), _("This month"), _("Month before"), _("Same month a year earlier")])
    for row in table.rows:
        _append(sheet, [row.category.name(locale), row.total, month_before.get(row.category.id, 0), row.year_before])
    listed = {row.category.id for row in table.rows}
    extra = [cid for cid, n in month_before.items() if cid not in listed and n]
    for category in db.session.scalars(sa.select(Category).where(Category.id.in_(extra)).order_by(Category.position)):
        _append(sheet, [category.name(locale), 0, month_before[category.id], 0])

    sheet = workbook.create_sheet(_("Targets"))
    _append(sheet, [_("Target"), _("Year"), _("This year so far"), _("Baseline year, same days"), _("On track")])
    for status in all_target_statuses(min(today, last)):
        on_track = {True: _("yes"), False: _("no"), None: _("no baseline")}[status.on_track]
        _append(sheet, [status.target.name(locale), status.year, status.current, status.baseline, on_track])

    sheet = workbook.create_sheet(_("Lead times"))
    _append(sheet, [_("Queue"), _("Category"), _("Median hours to first response"), _("90% within hours"),
                    _("Median days to closing"), _("90% within days")])  # fmt: skip
    for row in lead_times(filters.conditions()):
        _append(sheet, [row.queue.name(locale), row.category.name(locale), row.median_response_h, row.p90_response_h,
                        row.median_closing_d, row.p90_closing_d])  # fmt: skip

    sheet = workbook.create_sheet(_("Hotspots"))
    _append(sheet, [_("Reports"), _("Latitude"), _("Longitude"), _("From"), _("To")])
    for cluster in clusters(filters.conditions(), 100, 5):
        first_day, last_day = (moment.astimezone(LOCAL_TZ).date() for moment in (cluster.first, cluster.last))
        _append(sheet, [cluster.count, round(cluster.centre_lat, 5), round(cluster.centre_lon, 5), first_day, last_day])
    audit(by, "export", detail=f"maandoverzicht {first:%Y-%m}")
    return _xlsx_bytes(workbook), f"maandoverzicht-{first:%Y-%m}.xlsx"
