"""Targets (DESIGN §9): what a municipality wants its report counts to do, against a baseline year. Data, so OOV can
change them; seeded from the profile's plan."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from meldpunt.extensions import db

DIRECTIONS = ("down", "up", "stable")


class Target(db.Model):
    __tablename__ = "target"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    names: so.Mapped[dict] = so.mapped_column(sa.JSON)  # {"nl": ..., "en": ...}
    # What is counted: reports of this kind and/or these categories (empty: all).
    kind: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    category_codes: so.Mapped[list | None] = so.mapped_column(sa.JSON(none_as_null=True))
    baseline_year: so.Mapped[int]
    first_year: so.Mapped[int]  # the plan period the target holds for
    last_year: so.Mapped[int]
    # down: at least change_pct % fewer; up: at least change_pct % more (more reports can be the goal, where most
    # incidents go unreported); stable: at most change_pct % more.
    direction: so.Mapped[str] = so.mapped_column(sa.String(10))
    change_pct: so.Mapped[int] = so.mapped_column(default=0)

    __table_args__ = (sa.CheckConstraint(f"direction IN {DIRECTIONS!r}", name="direction"),)

    def name(self, locale: str = "nl") -> str:
        return self.names.get(locale) or self.names["nl"]
