"""The vaste boa: in every wijk and dorp a field worker people know. An area names its vaste boa; field reports
in that area sit on top of their field list. Managed by the TNH coordinator, every change audited."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from meldpunt.db_types import UTCDateTime, utcnow
from meldpunt.extensions import db
from meldpunt.geo.models import Area
from meldpunt.reports.models import report_area
from meldpunt.staff.models import User, audit
from meldpunt.staff.roles import is_active_field_officer

# The areas a vaste boa is named for: the ones people live in.
VASTE_BOA_AREA_KINDS = ("wijk", "dorp")


class AreaFieldWorker(db.Model):
    __tablename__ = "area_field_worker"

    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    assigned_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    area: so.Mapped[Area] = so.relationship()
    user: so.Mapped[User] = so.relationship()


class VasteBoaError(ValueError):
    pass


def vaste_boa_areas() -> list[tuple[Area, User | None]]:
    """Every wijk and dorp with its vaste boa (or None), by name."""
    rows = db.session.execute(
        sa.select(Area, User)
        .outerjoin(AreaFieldWorker, AreaFieldWorker.area_id == Area.id)
        .outerjoin(User, User.id == AreaFieldWorker.user_id)
        .where(Area.kind.in_(VASTE_BOA_AREA_KINDS))
        .order_by(Area.kind, Area.name)
    )
    return [(area, user) for area, user in rows]


def set_vaste_boa(area: Area, officer: User | None, actor: User) -> None:
    """Name `officer` the vaste boa of `area` (None: nobody). Flushes; the caller commits."""
    if area.kind not in VASTE_BOA_AREA_KINDS:
        raise VasteBoaError(_l("A vaste boa is named for a wijk or a dorp."))
    if officer is not None and not is_active_field_officer(officer):
        raise VasteBoaError(_l("%(name)s is not an active field worker.", name=officer.name))
    current = db.session.get(AreaFieldWorker, area.id)
    if officer is None:
        if current is not None:
            db.session.delete(current)
    elif current is None:
        db.session.add(AreaFieldWorker(area_id=area.id, user_id=officer.id))
    else:
        current.user_id, current.assigned_at = officer.id, utcnow()
    audit(actor, "vaste_boa", detail=f"{area.code}: {officer.username if officer else '-'}")
    db.session.flush()


def reports_in_areas_of(officer) -> sa.Select:
    """The ids of reports lying in an area whose vaste boa is `officer` (for ordering the field list)."""
    return (
        sa.select(report_area.c.report_id)
        .join(AreaFieldWorker, AreaFieldWorker.area_id == report_area.c.area_id)
        .where(AreaFieldWorker.user_id == officer.id)
    )
