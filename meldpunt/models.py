"""Imports every model so that the metadata is complete for migrations and queries."""

from meldpunt.geo.models import Area, Municipality  # noqa: F401
from meldpunt.reports.models import (  # noqa: F401
    Category,
    Queue,
    Report,
    ReportPhoto,
    RoutingRule,
    StateChange,
)
