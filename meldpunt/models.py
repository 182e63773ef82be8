"""Imports every model so that the metadata is complete for migrations and queries."""

from meldpunt.analysis.models import Signal, Target, WarningRule  # noqa: F401
from meldpunt.events.models import Event, RiskZone  # noqa: F401
from meldpunt.feedback.area_contacts import AreaContact, AreaSummaryMailing  # noqa: F401
from meldpunt.feedback.models import FeedbackTemplate, Satisfaction  # noqa: F401
from meldpunt.geo.models import Area, Municipality  # noqa: F401
from meldpunt.open311.keys import ApiKey  # noqa: F401
from meldpunt.outbox.models import OutboxMessage  # noqa: F401
from meldpunt.reports.channels import ReportingGroup  # noqa: F401
from meldpunt.reports.models import (  # noqa: F401
    Category,
    FieldActionKey,
    Queue,
    Report,
    ReporterMessage,
    ReportPhoto,
    RoutingRule,
    StateChange,
)
from meldpunt.reports.schouw import Schouw  # noqa: F401
from meldpunt.staff.models import AuditEntry, User  # noqa: F401
from meldpunt.staff.vaste_boa import AreaFieldWorker  # noqa: F401
