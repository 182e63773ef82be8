"""Boundaries and areas. Geometries are stored in WGS84 and, for metric work, in RD New."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from geoalchemy2 import Geometry

from meldpunt.extensions import db
from meldpunt.geo import RD_NEW, WGS84


class Municipality(db.Model):
    """Every Dutch municipality's (simplified) boundary, to name where a point lies."""

    __tablename__ = "municipality"

    code: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)  # CBS code, e.g. GM0114
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    geom = so.mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=False)
    geom_rd = so.mapped_column(Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False)


AREA_KINDS = ("gemeente", "wijk", "buurt", "dorp", "gebied", "zone")
# Where an area's outline comes from: "benadering" (approximate: a Voronoi cell around a village centre, made
# by `flask seed`), "cbs" (the CBS wijk- en buurtkaart as published) or "import" (the municipality's own file).
AREA_SOURCES = ("benadering", "cbs", "import")


class Area(db.Model):
    """A wijk, buurt, dorp/kern, gebied or zone (stationsgebied, uitgaansgebied, ...). A report is linked to every
    area it lies in (`Report.areas`) and names the smallest (`Report.area`); routing rules may test any of them."""

    __tablename__ = "area"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    source: so.Mapped[str] = so.mapped_column(sa.String(20), default="import", server_default="import")
    # The area this one is part of, by code: a buurt names its wijk (CBS wijkcode), a wijk its gemeente.
    parent_code: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    # An outline can be megabytes (a CBS buurt, an imported zone) and lists, filters and a report's area need the
    # name only: loaded when read, never with the row. The spatial work uses the columns in SQL (geo/areas.py).
    geom = so.mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=False, deferred=True)
    geom_rd = so.mapped_column(
        Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False, deferred=True
    )

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {AREA_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"source IN {AREA_SOURCES!r}", name="source"),
    )

    @property
    def is_approximate(self) -> bool:
        return self.source == "benadering"

    @property
    def display_name(self) -> str:
        """The name to show on a page or a map: approximate areas say so."""
        if self.is_approximate:
            return _("%(name)s (approximate)", name=self.name)
        return self.name
