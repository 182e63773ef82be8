"""One action on several reports at once (the coordinator's desk): each report goes through the same workflow
function as a single action, so it gets its own history line and audit entry; a report the workflow refuses is
left as it was and reported by reference. The caller commits once for all of them."""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.feedback.templates import template_for
from meldpunt.reports import workflow
from meldpunt.reports.models import Queue, Report
from meldpunt.staff.roles import can_read_report

BULK_ACTIONS = ("take", "assign", "reroute", "close")
MAX_REPORTS = 100


@dataclass
class BulkResult:
    action: str
    done: list[str] = field(default_factory=list)  # references
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference, reason)
    unseen: int = 0  # selected, but no longer in a queue the user can read (Selection.unseen)


@dataclass
class Selection:
    reports: list[tuple[Report, int | None]]  # (report, version seen by the user)
    elsewhere: list[str]  # references of selected reports a colleague moved to another queue meanwhile
    unseen: int = 0  # selected ids the user may not read (moved to a queue they cannot read) or that are gone


def load_selection(queue: Queue, versions: dict[int, int | None], viewer) -> Selection:
    """The selected reports of `queue` in one query, with what the workflow reads of each. One that a colleague
    moved to another queue meanwhile is named, so the user knows it was not done; one the user may no longer read is
    only counted (its reference is not theirs to see)."""
    ids = list(versions)[: MAX_REPORTS + 1]
    found = db.session.scalars(
        sa.select(Report)
        .where(Report.id.in_(ids))
        .options(so.selectinload(Report.category), so.selectinload(Report.queue), so.selectinload(Report.history))
    )
    by_id = {report.id: report for report in found if can_read_report(viewer, report)}
    selection = Selection([], [])
    for report_id in ids:
        report = by_id.get(report_id)
        if report is None:
            selection.unseen += 1
        elif report.queue_id == queue.id:
            selection.reports.append((report, versions[report_id]))
        else:
            selection.elsewhere.append(report.reference)
    return selection


def _close_with_template(report: Report, outcome: str, actor, version):
    template = template_for(report.category.code, outcome, report.locale)
    if template is None:
        raise workflow.WorkflowError(_l("no template for this outcome"))
    workflow.close_with_outcome(report, outcome, template.body, actor, expected_version=version)


def apply_to_many(action: str, reports: list[tuple[Report, int | None]], actor, *, boa=None, queue: Queue | None = None,
                  reason: str | None = None, outcome: str | None = None, elsewhere=(),
                  unseen=0) -> BulkResult:  # fmt: skip
    """Apply `action` to each (report, version seen by the user); `elsewhere` and `unseen` are the selected reports
    no longer in the queue (Selection), refused by reference and by number. Checks that concern the whole action (a
    boa, a queue, a reason, an outcome) are made once, before any report changes."""
    if action not in BULK_ACTIONS:
        raise workflow.WorkflowError(_l("Choose an action."))
    if not reports and not elsewhere and not unseen:
        raise workflow.WorkflowError(_l("Select one or more reports."))
    if len(reports) > MAX_REPORTS:
        raise workflow.WorkflowError(_l("Select at most %(n)d reports at a time.", n=MAX_REPORTS))
    if action == "assign" and boa is None:
        raise workflow.WorkflowError(_l("Choose a field officer."))
    if action == "reroute" and (queue is None or not (reason or "").strip()):
        raise workflow.WorkflowError(_l("Choose a queue and give one reason for moving the reports."))
    if action == "close" and outcome not in workflow.OUTCOMES:
        raise workflow.WorkflowError(_l("Choose the outcome whose template the reporters get."))
    apply = {
        "take": lambda r, v: workflow.take_in_handling(r, actor, expected_version=v),
        "assign": lambda r, v: workflow.assign_to_boa(r, boa, actor, expected_version=v),
        "reroute": lambda r, v: workflow.reroute(r, queue, reason, actor, expected_version=v),
        "close": lambda r, v: _close_with_template(r, outcome, actor, v),
    }[action]
    moved = str(_l("no longer in this queue"))
    result = BulkResult(action, refused=[(reference, moved) for reference in elsewhere], unseen=unseen)
    for report, version in reports:
        try:
            apply(report, version)
        except PermissionError:
            result.refused.append((report.reference, str(_l("not in a queue you handle"))))
        except workflow.WorkflowError as error:
            # Every workflow check runs before it changes anything, so a refused report is left as it was.
            result.refused.append((report.reference, str(error.message)))
        else:
            result.done.append(report.reference)
    return result
