"""Intake on behalf (issue 10, item 4): staff file a report for a resident who phoned, came to a spreekuur or
spoke to a field worker in the street. The report goes through submit_report like any other, with the channel
recorded; the resident's consent to be mailed is asked and recorded; the staff member is in the audit log."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.reports.channels import CHANNEL_LABELS, ReportingGroup, link_report_to_group
from meldpunt.reports.models import Category
from meldpunt.reports.submission import NewReport, Receipt, SubmissionRejected, submit_report
from meldpunt.staff.models import audit

# How the resident reached us (Report.channel); "schouw" is filed by the schouw walk, "web"/"api"/"import" by
# themselves.
INTAKE_CHANNELS = {code: CHANNEL_LABELS[code] for code in ("telefoon", "spreekuur", "straat", "groep")}


def intake_categories() -> list[Category]:
    """What staff may file on behalf: the active, unrestricted categories. A tip about a suspicious situation
    (the restricted kind) is sent by the resident through the site or Meld Misdaad Anoniem, anonymously."""
    return list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.active.is_(True), Category.restricted.is_(False))
            .order_by(Category.kind, Category.position)
        )
    )


def file_on_behalf(new: NewReport, actor, *, group: ReportingGroup | None = None) -> Receipt:
    """Store the resident's report (submit_report: checks, routing, the confirmation mail when they agreed to
    e-mail) and audit who filed it; a report from a registered group (channel "groep") names the group.
    Flushes; the caller commits."""
    if new.channel not in INTAKE_CHANNELS:
        raise ValueError(f"not an intake channel: {new.channel}")
    if new.category_code not in {c.code for c in intake_categories()}:
        raise SubmissionRejected({"category": _l("Choose what the resident wants to report.")})
    if new.channel == "groep" and (group is None or not group.active):
        raise SubmissionRejected({"group": _l("Choose the group the report comes from.")})
    receipt = submit_report(new)
    if receipt.created:
        if new.channel == "groep":
            link_report_to_group(receipt.report_id, group)
        audit(actor, "report_intake", report_id=receipt.report_id, detail=new.channel)
    return receipt
