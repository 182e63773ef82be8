"""A report's history (DESIGN §4): one line per change, with who, when and why. Every line is written here."""

from datetime import datetime

from meldpunt.extensions import db
from meldpunt.reports.models import Report, StateChange

# Every event a line can record (StateChange.event). The desk shows each in words (web/desk_messages.py) and the
# audit log each of STAFF_EVENTS as "report_" + event (staff/audit_log.py); a test holds both to these lists.
EVENTS = frozenset(
    {"created", "state", "assign", "claim", "hand_back", "on_site", "reroute", "merge", "plan", "forward", "close",
     "cancel", "reopen", "withdrawn"}
)  # fmt: skip
# The events a staff member's action makes, each in the audit log as "report_" + event; the others come from the
# reporter (a new report, a withdrawal; a reopen can come from either).
STAFF_EVENTS = EVENTS - {"created", "withdrawn"}


def record_change(report: Report, *, event: str, to_state: str, actor: str, now: datetime,
                  reason: str | None = None) -> StateChange:  # fmt: skip
    """Append a line; the report's state is the caller's to set. `actor`: "melder", "systeem" or a staff name."""
    if event not in EVENTS:
        raise ValueError(f"unknown history event {event!r}: add it to EVENTS and give it a label")
    line = StateChange(at=now, from_state=None if event == "created" else report.state,
                       to_state=to_state, event=event,
                       queue=report.queue, actor=actor, reason=reason)  # fmt: skip
    # No autoflush while the history loads: one action is one UPDATE of the report, so its version moves by one.
    with db.session.no_autoflush:
        report.history.append(line)
    return line
