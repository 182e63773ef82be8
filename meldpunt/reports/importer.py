"""`flask reports import`: a municipality's reports from its old system, so that trends can be compared with the
years before this one (the targets are against 2023).

Every row is checked (README: the columns and their rules); the refused rows are listed with their row number,
column and reason. Nothing is half-imported: with any refused row nothing is stored, unless the caller asks to
skip the refused rows, and then the valid rows are stored in one go (meldpunt/reports/bulk.py). Imported reports
have channel "import", no e-mail address, no usable tracking link, and never get mail. They keep their
references; a reference that is already in the database (or twice in the file) refuses the row. This module
flushes; the caller commits (or rolls back when nothing was stored)."""

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84, LatLon
from meldpunt.profiles import LOCAL_TZ, Profile
from meldpunt.reports.bulk import ReportRow, staged_reports
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.models import OPEN_STATES, STATES, Category, Queue
from meldpunt.reports.submission import CLOCK_SKEW
from meldpunt.reports.workflow import OUTCOMES

REQUIRED_COLUMNS = ("reference", "kind", "category", "created_time", "state", "queue")
OPTIONAL_COLUMNS = ("lat", "lon", "x", "y", "incident_time", "closed_time", "outcome", "first_response_time")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
CLOSED_STATES = tuple(s for s in STATES if s not in OPEN_STATES)  # afgehandeld, geannuleerd
REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,15}$")
# RD New's area of use (EPSG:28992): the Netherlands and a margin.
RD_X_RANGE = (-7_000.0, 300_000.0)
RD_Y_RANGE = (289_000.0, 629_000.0)
ACTOR = "systeem"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV, a required column missing)."""


@dataclass(frozen=True)
class RefusedRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    rows_read: int = 0
    stored: int = 0
    report_ids: list[int] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({r.row for r in self.refused})


class _Row:
    """One data row while it is checked: its values by column and the problems found so far."""

    def __init__(self, row_no: int, values: dict):
        self.row_no = row_no
        # csv puts values beyond the header's columns in a list under None, and None for missing values.
        self.too_long = None in values
        self.values = {k: v.strip() for k, v in values.items() if k is not None and v is not None}
        self.problems: list[RefusedRow] = []

    def get(self, column: str) -> str:
        if "/" in column:  # a pair, as in "lat/lon"
            return " ".join(self.get(part) for part in column.split("/")).strip()
        return self.values.get(column, "")

    def refuse(self, column: str, reason: str) -> None:
        self.problems.append(RefusedRow(self.row_no, column, self.get(column), reason))


def parse_time(text: str) -> datetime:
    """ISO 8601; without an offset the time is Dutch local time (Europe/Amsterdam). In UTC."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def read_category_map(path: Path) -> dict[str, str]:
    """The old system's category names to our codes: a CSV with the columns `old` and `category`."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, dialect=_dialect(handle))
        if not reader.fieldnames or not {"old", "category"} <= set(reader.fieldnames):
            raise ImportFileError(f"{path.name}: a category map needs the columns old and category")
        return {row["old"].strip().lower(): row["category"].strip() for row in reader if row["old"]}


def _dialect(handle) -> type[csv.Dialect]:
    """Comma-separated; semicolon-separated (a Dutch spreadsheet's CSV) when the header has semicolons only."""
    header = handle.readline()
    handle.seek(0)
    return _Semicolon if ";" in header and "," not in header else csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"


class _Checker:
    """Checks rows against the database's categories and queues; builds the rows to store."""

    def __init__(self, *, category_map: dict[str, str], now: datetime, decimal_comma: bool):
        self.categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
        self.queues = {q.code.upper(): q for q in db.session.scalars(sa.select(Queue))}
        self.category_map = category_map
        self.now = now
        self.decimal_comma = decimal_comma

    def _time(self, row: _Row, column: str) -> datetime | None:
        text = row.get(column)
        if not text:
            return None
        try:
            moment = parse_time(text)
        except (ValueError, OverflowError):
            row.refuse(column, "not an ISO 8601 time (e.g. 2023-03-04 22:15, 2023-03-04T21:15:00Z)")
            return None
        if moment > self.now + CLOCK_SKEW:
            row.refuse(column, "lies in the future")
            return None
        return moment

    def _number(self, row: _Row, column: str) -> float | None:
        text = row.get(column)
        if self.decimal_comma:
            text = text.replace(",", ".")
        try:
            return float(text)
        except ValueError:
            row.refuse(column, "not a number")
            return None

    def _position(self, row: _Row) -> tuple[float, float, int] | None:
        """x, y and the SRID: lon/lat in WGS84 or x/y in RD New."""
        has_latlon = bool(row.get("lat") or row.get("lon"))
        has_rd = bool(row.get("x") or row.get("y"))
        if has_latlon and has_rd:
            row.refuse("lat/lon", "give lat/lon or x/y (RD New), not both")
            return None
        if not has_latlon and not has_rd:
            row.refuse("lat/lon", "no position: give lat/lon (WGS84) or x/y (RD New)")
            return None
        first, second = ("lat", "lon") if has_latlon else ("x", "y")
        for column in (first, second):
            if not row.get(column):
                row.refuse(column, f"empty, while {second if column == first else first} is given")
        if any(not row.get(c) for c in (first, second)):
            return None
        a, b = self._number(row, first), self._number(row, second)
        if a is None or b is None:
            return None
        if has_rd:
            if not (RD_X_RANGE[0] <= a <= RD_X_RANGE[1] and RD_Y_RANGE[0] <= b <= RD_Y_RANGE[1]):
                row.refuse("x/y", "not RD New coordinates in the Netherlands (x 0-300000, y 289000-629000 m)")
                return None
            return a, b, RD_NEW
        position = LatLon.parse(a, b)
        if position is None:
            row.refuse("lat/lon", "not a position on earth")
            return None
        if 50 <= position.lon <= 54 and 3 <= position.lat <= 8:
            row.refuse("lat/lon", "lat and lon seem swapped (in the Netherlands lat is about 50-54, lon 3-8)")
            return None
        return position.lon, position.lat, WGS84

    def check(self, row: _Row) -> ReportRow | None:
        if row.too_long:
            row.problems.append(RefusedRow(row.row_no, "row", "", "more values than the header has columns"))
        reference = row.get("reference")
        if not reference:
            row.refuse("reference", "empty")
        elif not REFERENCE_RE.match(reference):
            row.refuse("reference", "at most 16 characters: letters, digits and - _ . / (starting with a letter or "
                                    "digit)")  # fmt: skip

        kind = KINDS.get(row.get("kind").lower())
        if kind is None:
            row.refuse("kind", f"not a kind; one of {', '.join(KINDS)}")
        elif not kind.has_spot:
            # An old system's row has a spot (or a made-up one), while a signal of this kind has none: its point
            # would put it on maps it must stay off. Such signals are made through the site only.
            row.refuse("kind", f"{kind.code} is a signal without a spot and is not imported; only the site takes it")
        code = row.get("category")
        category = self.categories.get(self.category_map.get(code.lower(), code).lower())
        if category is None:
            row.refuse("category", "not a category code" + (" (nor in the category map)" if self.category_map else ""))
        elif kind is not None and category.kind != kind.code:
            row.refuse("category", f"a category of kind {category.kind}, not {kind.code}")
        queue = self.queues.get(row.get("queue").upper())
        if queue is None:
            row.refuse("queue", f"not a queue; one of {', '.join(sorted(self.queues))}")

        state = row.get("state").lower()
        if state not in STATES:
            row.refuse("state", f"not a state; one of {', '.join(STATES)}")
        outcome = row.get("outcome").lower() or None
        if outcome is not None and outcome not in OUTCOMES:
            row.refuse("outcome", f"not an outcome; one of {', '.join(OUTCOMES)}")
        elif outcome is not None and state in STATES and state != "afgehandeld":
            row.refuse("outcome", "only a closed report (afgehandeld) has an outcome")

        position = self._position(row)

        created_at = self._time(row, "created_time")
        if not row.get("created_time"):
            row.refuse("created_time", "empty")
        incident_at = self._time(row, "incident_time")
        if kind is not None and kind.is_incident and not row.get("incident_time"):
            row.refuse("incident_time", f"empty; a report of kind {kind.code} needs the time it happened")
        elif kind is not None and not kind.is_incident and row.get("incident_time"):
            row.refuse("incident_time", f"a report of kind {kind.code} is about a lasting condition: leave it empty")
        if incident_at and created_at and incident_at > created_at + CLOCK_SKEW:
            row.refuse("incident_time", "after created_time")

        closed_at = self._time(row, "closed_time")
        if state in CLOSED_STATES and not row.get("closed_time"):
            row.refuse("closed_time", f"empty; a report that is {state} needs its closing time")
        elif state in OPEN_STATES and row.get("closed_time"):
            row.refuse("closed_time", f"a report that is {state} is open: leave it empty")
        if closed_at and created_at and closed_at < created_at:
            row.refuse("closed_time", "before created_time")

        first_response_at = self._time(row, "first_response_time")
        if state == "nieuw" and row.get("first_response_time"):
            row.refuse("first_response_time", "a new report (nieuw) has had no response yet: leave it empty")
        if first_response_at and created_at and first_response_at < created_at:
            row.refuse("first_response_time", "before created_time")
        if first_response_at and closed_at and first_response_at > closed_at:
            row.refuse("first_response_time", "after closed_time")

        if row.problems:
            return None
        x, y, srid = position
        return ReportRow(
            row_no=row.row_no,
            reference=reference,
            kind=kind.code,
            category_id=category.id,
            queue_id=queue.id,
            x=x,
            y=y,
            srid=srid,
            created_at=created_at,
            state=state,
            incident_at=incident_at,
            first_response_at=first_response_at,
            closed_at=closed_at,
            outcome=outcome,
            channel="import",
            location_method="map",
        )


def _duplicates(rows: list[_Row]) -> None:
    """A reference used twice in the file refuses every row that has it: which one is right is not ours to say."""
    seen: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if reference := row.get("reference"):
            seen[reference].append(row)
    for same in seen.values():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(other.row_no) for other in same if other is not row)
                row.refuse("reference", f"also on row {others}: a reference must be unique")


def _read(path: Path) -> tuple[type[csv.Dialect], list[str], list[_Row]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            dialect = _dialect(handle)
            reader = csv.DictReader(handle, dialect=dialect)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            # The row number is the line in the file (the header is line 1), as a spreadsheet numbers its rows.
            rows = [_Row(reader.line_num, values) for values in reader]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"{path.name}: not a UTF-8 CSV file ({error})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(f"{path.name}: missing column(s) {', '.join(missing)}; the header must name at least "
                              f"{', '.join(REQUIRED_COLUMNS)} and lat, lon or x, y")  # fmt: skip
    if not ({"lat", "lon"} <= set(header) or {"x", "y"} <= set(header)):
        raise ImportFileError(f"{path.name}: no position columns: lat and lon (WGS84), or x and y (RD New)")
    return dialect, header, rows


def import_reports(path: Path, profile: Profile, *, skip_invalid: bool = False, category_map: dict | None = None,
                   now: datetime | None = None) -> ImportResult:  # fmt: skip
    """Check every row of the file and store the reports, all or (skip_invalid) the valid ones, in the caller's
    transaction. Stores nothing when a row is refused and skip_invalid is not set."""
    path = Path(path)
    result = ImportResult()
    dialect, header, rows = _read(path)
    result.ignored_columns = [c for c in header if c not in COLUMNS]
    result.rows_read = len(rows)

    checker = _Checker(category_map={k.lower(): v for k, v in (category_map or {}).items()}, now=now or utcnow(),
                       decimal_comma=dialect is _Semicolon)  # fmt: skip
    _duplicates(rows)
    checked = {row.row_no: checker.check(row) for row in rows}
    valid = [report for report in checked.values() if report is not None]
    by_number = {row.row_no: row for row in rows}

    with staged_reports(valid) as staged:
        for row_no, name in staged.outside_municipality(profile.cbs_code):
            row = by_number[row_no]
            column = "x/y" if checked[row_no].srid == RD_NEW else "lat/lon"
            where = f"lies in the municipality of {name}" if name else "lies outside the Netherlands"
            row.refuse(column, f"{where}, not in {profile.name}")
        for row_no, reference in staged.references_in_use():
            by_number[row_no].refuse("reference", f"{reference} is already in the database (a report or an earlier "
                                                  "import has it)")  # fmt: skip
        refused = [row for row in rows if row.problems]
        result.refused = [problem for row in refused for problem in row.problems]
        if refused and not skip_invalid:
            return result
        staged.discard(row.row_no for row in refused)
        result.report_ids = staged.store(actor=ACTOR, reason=f"Geïmporteerd uit {path.name}")
    result.stored = len(result.report_ids)
    db.session.flush()
    return result


def write_refused(result: ImportResult, path: Path) -> None:
    """The refused rows as a CSV: row, column, value, reason."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "value", "reason"])
        for problem in result.refused:
            writer.writerow([problem.row, problem.column, problem.value, problem.reason])
