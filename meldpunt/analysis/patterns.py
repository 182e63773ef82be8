"""When things happen: reports per hour of the day and day of the week (Dutch local time, of when it happened)."""

from dataclasses import dataclass

import sqlalchemy as sa

from meldpunt.analysis.filters import MOMENT
from meldpunt.dialect_sql import LocalHour, LocalWeekday
from meldpunt.extensions import db
from meldpunt.reports.models import Report

WEEKDAYS = range(1, 8)  # ISO: 1 = Monday
HOURS = range(24)


@dataclass(frozen=True)
class WeekMatrix:
    counts: dict[tuple[int, int], int]  # (weekday, hour) -> reports

    def count(self, weekday: int, hour: int) -> int:
        return self.counts.get((weekday, hour), 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def busiest(self) -> int:
        return max(self.counts.values(), default=0)

    def level(self, weekday: int, hour: int, levels: int = 5) -> int:
        """0 (none) … levels (the busiest hour), for shading."""
        n = self.count(weekday, hour)
        return 0 if not n else max(1, round(levels * n / self.busiest))

    def by_weekday(self, weekday: int) -> int:
        return sum(self.count(weekday, h) for h in HOURS)

    def by_hour(self, hour: int) -> int:
        return sum(self.count(d, hour) for d in WEEKDAYS)


def hour_weekday_matrix(conditions: list) -> WeekMatrix:
    weekday, hour = LocalWeekday(MOMENT), LocalHour(MOMENT)
    rows = db.session.execute(
        sa.select(weekday, hour, sa.func.count()).select_from(Report).where(*conditions).group_by(weekday, hour)
    )
    return WeekMatrix({(int(d), int(h)): n for d, h, n in rows})
