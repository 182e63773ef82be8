"""Boundaries and areas. Geometries are stored in WGS84 and, for metric work, in RD New."""

import sqlalchemy as sa
import sqlalchemy.orm as so
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


AREA_KINDS = ("gemeente", "wijk", "dorp", "gebied", "zone")


class Area(db.Model):
    """A wijk, dorp/kern, gebied or zone (stationsgebied, uitgaansgebied, ...). Reports get their area when
    stored; routing rules may test the area or its kind."""

    __tablename__ = "area"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    geom = so.mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=False)
    geom_rd = so.mapped_column(Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False)

    __table_args__ = (sa.CheckConstraint(f"kind IN {AREA_KINDS!r}", name="kind"),)
