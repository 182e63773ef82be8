"""Early warnings: a planted cluster of three harassment reports raises exactly one signal and one mail per OOV
colleague; later reports at the same place join it; OOV acknowledges it with a note."""

from datetime import timedelta

import sqlalchemy as sa

from meldpunt.analysis.models import Signal
from meldpunt.analysis.warnings import acknowledge
from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.reports.submission import submit_report
from tests.analysis.test_hotspots import CENTRE, STATION, offset


def _harassment(new_report, base, north_m, *, days_ago=0, **extra):
    lat, lon = offset(base, north_m, 0)
    now = utcnow() - timedelta(days=days_ago)
    return submit_report(new_report(lat=lat, lon=lon, incident_at=now - timedelta(hours=1), **extra), now=now)


def _signals():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Signal)))


def _signal_mails():
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "signal")))


def test_three_reports_close_together_raise_one_signal(app, new_report, make_user):
    make_user("olga", "oov").email = "olga@emmen.example"
    make_user("otto", "oov")  # no e-mail address: no mail
    make_user("tess", "tnh-coordinator").email = "tess@emmen.example"  # not OOV
    db.session.commit()
    _harassment(new_report, STATION, 0, days_ago=10)
    _harassment(new_report, STATION, 120, days_ago=5)
    assert _signals() == []
    _harassment(new_report, STATION, 60)  # the third within 200 m in 14 days
    [signal] = _signals()
    assert signal.report_count == 3 and signal.acknowledged_at is None
    assert [m.recipient for m in _signal_mails()] == ["olga@emmen.example"]
    assert "3" in _signal_mails()[0].subject and "/analyse/signalen" in _signal_mails()[0].body_text
    # A fourth report at the same hotspot joins the signal: no second signal, no second mail.
    _harassment(new_report, STATION, 30)
    [signal] = _signals()
    assert signal.report_count == 4 and len(_signal_mails()) == 1


def test_a_hotspot_stretched_along_a_street_keeps_its_one_signal(app, new_report, make_user):
    make_user("olga", "oov").email = "olga@emmen.example"
    db.session.commit()
    for north_m in (0, 100, 180):  # the third raises the signal, centred ~93 m north
        _harassment(new_report, STATION, north_m)
    # 300 m north: within 200 m of the reports at 100 and 180 (already signalled), ~207 m from the signal's centre.
    _harassment(new_report, STATION, 300)
    [signal] = _signals()
    assert signal.report_count == 4 and len(_signal_mails()) == 1


def test_reports_too_far_apart_or_too_long_ago_raise_nothing(app, new_report):
    _harassment(new_report, STATION, 0, days_ago=20)  # outside the 14 days
    _harassment(new_report, STATION, 10)
    _harassment(new_report, CENTRE, 0)  # about 800 m away
    _harassment(new_report, STATION, 20, kind="overlast", category_code="vernieling")  # another kind
    assert _signals() == []


def test_restricted_reports_never_count(app, new_report):
    for north in (0, 10, 20):
        _harassment(new_report, STATION, north, kind="verdachte_situatie", category_code="hennep")
    assert _signals() == []


def test_oov_acknowledges_a_signal_on_the_signals_page(app, client, new_report, staff, login):
    for north in (0, 10, 20):
        _harassment(new_report, STATION, north)
    db.session.commit()
    [signal] = _signals()
    login(client, staff["oov"])
    page = client.get("/analyse/signalen").get_data(as_text=True)
    assert "Markeren als gezien" in page and "3 of meer meldingen" in page
    assert "1 vroegsignaal" in client.get("/analyse/").get_data(as_text=True)
    done = client.post(
        f"/analyse/signalen/{signal.id}/gezien", data={f"s{signal.id}-note": "Extra surveillance vrijdagavond"}
    )
    assert done.status_code == 302
    [signal] = _signals()
    assert signal.acknowledged_by_id == staff["oov"].id and signal.note == "Extra surveillance vrijdagavond"
    assert "Markeren als gezien" not in client.get("/analyse/signalen").get_data(as_text=True)


def test_each_signal_has_its_own_note_field_and_a_refused_note_is_kept(app, client, new_report, staff, login):
    for base in (STATION, CENTRE):
        for north in (0, 10, 20):
            _harassment(new_report, base, north)
    db.session.commit()
    first, second = _signals()
    login(client, staff["oov"])
    page = client.get("/analyse/signalen").get_data(as_text=True)
    assert f'id="s{first.id}-note"' in page and f'id="s{second.id}-note"' in page
    too_long = "Extra surveillance. " * 120  # over 2,000 characters
    refused = client.post(f"/analyse/signalen/{first.id}/gezien", data={f"s{first.id}-note": too_long})
    assert refused.status_code == 422 and too_long.strip() in refused.get_data(as_text=True)
    assert all(s.acknowledged_at is None for s in _signals())


def test_a_signal_a_colleague_already_saw_says_so(app, client, new_report, staff, make_user, login):
    for north in (0, 10, 20):
        _harassment(new_report, STATION, north)
    [signal] = _signals()
    colleague = make_user("otto", "oov", name="Otto OOV")
    assert acknowledge(signal, "al gezien", colleague)
    db.session.commit()
    login(client, staff["oov"])
    again = client.post(f"/analyse/signalen/{signal.id}/gezien", data={f"s{signal.id}-note": "ook gezien"},
                        follow_redirects=True)  # fmt: skip
    assert "Otto OOV" in again.get_data(as_text=True)
    [signal] = _signals()
    assert signal.note == "al gezien" and signal.acknowledged_by_id == colleague.id


def test_acknowledging_is_audited(app, new_report, staff):
    for north in (0, 10, 20):
        _harassment(new_report, STATION, north)
    [signal] = _signals()
    acknowledge(signal, "bekeken", staff["oov"])
    from meldpunt.staff.models import AuditEntry

    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "signal_acknowledged"))


def _imported_harassment(north_m, days_ago):
    """A straatintimidatie report stored the way `flask reports import` stores it (no submission, no check)."""
    from meldpunt.geo import WGS84
    from meldpunt.reports.bulk import ReportRow, insert_reports
    from meldpunt.reports.models import Category, Queue

    category = db.session.scalar(sa.select(Category).where(Category.code == "naroepen"))
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "OOV"))
    lat, lon = offset(STATION, north_m, 0)
    made = utcnow() - timedelta(days=days_ago)
    row = ReportRow(row_no=1, reference=f"OUD-{north_m}-{days_ago}", kind="straatintimidatie",
                    category_id=category.id, queue_id=queue.id, x=lon, y=lat, srid=WGS84, created_at=made,
                    state="nieuw", incident_at=made - timedelta(hours=1), channel="import")  # fmt: skip
    insert_reports([row], actor="systeem", reason="test")


def test_imported_reports_raise_nothing_until_checked_again(app, runner, make_user):
    make_user("olga", "oov").email = "olga@emmen.example"
    _imported_harassment(0, days_ago=9)
    _imported_harassment(60, days_ago=6)
    _imported_harassment(120, days_ago=3)
    _imported_harassment(0, days_ago=40)  # too long ago for the re-check
    db.session.commit()
    assert _signals() == []  # historical data: not checked when stored

    result = runner.invoke(args=["analysis", "check-warnings", "--days", "14"])
    assert result.exit_code == 0, result.output
    assert "checked 3 reports" in result.output and "1 new signals" in result.output
    [signal] = _signals()
    assert signal.report_count == 3 and len(_signal_mails()) == 1
    # The signal is dated by the report that completed the group, not by the re-check.
    assert abs((utcnow() - signal.raised_at) - timedelta(days=3)) < timedelta(minutes=5)

    again = runner.invoke(args=["analysis", "check-warnings"])
    assert "0 new signals" in again.output
    [signal] = _signals()
    assert signal.report_count == 3 and len(_signal_mails()) == 1
