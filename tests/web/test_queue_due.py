"""The queue lists each report's due date, and says which are overdue."""

import re
from datetime import timedelta

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from meldpunt.reports.working_days import last_day_of_term


def _row(page: str, reference: str) -> str:
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?<a [^>]*>{reference}</a>.*?</tr>", page, re.S).group(0)


def test_the_queue_shows_the_due_date_and_overdue(client, staff, login, new_report, at):
    late = submit_report(new_report(kind="onveilige_plek", category_code="donker"), now=at(2026, 9, 1, 10, 0))
    fresh = submit_report(new_report(kind="onveilige_plek", category_code="donker"), now=utcnow() - timedelta(hours=1))
    db.session.commit()
    login(client, staff["oov"])
    page = client.get("/medewerkers/wachtrij/OOV").get_data(as_text=True)
    assert "Uiterlijk" in page  # the column
    # donker: 30 working days from Tuesday 1 September 2026 → Tuesday 13 October.
    assert "13-10-2026" in _row(page, late.reference) and "te laat" in _row(page, late.reference)
    due_day = last_day_of_term(db.session.get(Report, fresh.report_id).due_at)
    assert due_day.strftime("%d-%m-%Y") in _row(page, fresh.reference)
    assert "te laat" not in _row(page, fresh.reference)
    overdue_only = client.get("/medewerkers/wachtrij/OOV?overdue=1").get_data(as_text=True)
    assert late.reference in overdue_only and fresh.reference not in overdue_only
