"""Contact details are personal data that queue handlers see only on purpose (DESIGN §6): each view is written to
the audit log, here, whoever asks for them."""

from meldpunt.staff.models import audit
from meldpunt.staff.roles import can_read_report


def reveal_contact(report, viewer) -> str | None:
    """The reporter's e-mail address (None: none left) for a staff member who may read the report."""
    if not can_read_report(viewer, report):
        raise PermissionError("report not readable for this user")
    audit(viewer, "contact_viewed", report, detail="email" if report.email else "no contact data")
    return report.email
