"""The privacy sweep, run with a clock we control, and the reporter's right to withdraw."""

from datetime import timedelta

import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.outbox.models import OutboxMessage
from meldpunt.privacy.retention import sweep
from meldpunt.reports import workflow
from meldpunt.reports.models import Report, ReporterMessage, ReportPhoto
from meldpunt.reports.photos import CleanPhoto, photo_store
from meldpunt.reports.submission import submit_report
from tests.fixtures.reports import jpeg_with_gps


def _closed_report(new_report, staff, closed_at, **extra):
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    values = dict(kind="onveilige_plek", category_code="donker", email="melder@example.org", email_consent=True,
                  lat=52.785812, lon=6.897531, location_description="Achter de bibliotheek",
                  pending_photo_tokens=[token])  # fmt: skip
    values.update(extra)
    receipt = submit_report(new_report(**values), now=closed_at - timedelta(days=2))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"], now=closed_at - timedelta(days=1))
    workflow.close_with_outcome(report, "opgelost", "De lamp is gerepareerd.", staff["oov"], now=closed_at)
    db.session.commit()
    return receipt


def _coordinates(report_id):
    return db.session.execute(
        sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location),
                  sa.func.ST_X(Report.location_rd), sa.func.ST_Y(Report.location_rd)).where(Report.id == report_id)
    ).one()  # fmt: skip


def test_the_sweep_follows_the_retention_periods(app, new_report, staff):
    closed = utcnow() - timedelta(days=1)
    receipt = _closed_report(new_report, staff, closed)
    report_id = receipt.report_id
    [photo] = db.session.get(Report, report_id).photos
    photo_path = photo_store().path_of(photo.storage_key)
    exact = _coordinates(report_id)

    # Day 10 after closing: nothing is due yet.
    assert sweep(now=closed + timedelta(days=10))["contact_erased"] == 0
    # Day 31: contact data gone (also from the outbox), location coarsened; description and photo stay.
    counts = sweep(now=closed + timedelta(days=31))
    db.session.commit()
    assert counts["contact_erased"] == 1 and counts["locations_coarsened"] == 1 and counts["content_erased"] == 0
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    assert report.email is None and not report.email_consent
    assert db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.report_id == report_id)).all()
    assert all(r is None for r in db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.report_id == report_id)))  # fmt: skip
    x, y, rx, ry = _coordinates(report_id)
    assert (rx - 25) % 50 == 0 and (ry - 25) % 50 == 0  # the centre of a 50 m cell in RD
    assert abs(rx - exact[2]) <= 25 and abs(ry - exact[3]) <= 25
    assert (round(x, 6), round(y, 6)) != (round(exact[0], 6), round(exact[1], 6))
    assert report.description and photo_path.exists()
    # Day 366: description, spot description, photos and messages gone; the statistical record stays.
    counts = sweep(now=closed + timedelta(days=366))
    db.session.commit()
    assert counts["content_erased"] == 1 and counts["photos_deleted"] == 1
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    assert report.description is None and report.location_description is None
    assert not photo_path.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPhoto)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReporterMessage)) == 0
    assert (report.kind, report.category.code, report.outcome, report.state) == (
        "onveilige_plek", "donker", "opgelost", "afgehandeld")  # fmt: skip
    assert report.created_at and report.closed_at and report.first_response_at


def test_the_sweep_is_idempotent_and_leaves_open_reports_alone(app, new_report, staff):
    closed = utcnow() - timedelta(days=400)
    _closed_report(new_report, staff, closed)
    open_one = submit_report(new_report(email="open@example.org", email_consent=True), now=closed)
    first = sweep()
    second = sweep()
    assert first["contact_erased"] == 1 and first["content_erased"] == 1
    assert all(n == 0 for n in second.values())
    assert db.session.get(Report, open_one.report_id).email == "open@example.org"


def test_privacy_sweep_command_logs_counts(app, runner, new_report, staff):
    _closed_report(new_report, staff, utcnow() - timedelta(days=40))
    result = runner.invoke(args=["privacy-sweep"])
    assert result.exit_code == 0
    assert "contact_erased 1" in result.output and "locations_coarsened 1" in result.output


def test_the_reporter_sees_the_data_and_withdraws(client, new_report):
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    receipt = submit_report(new_report(email="melder@example.org", email_consent=True,
                                       description="Man riep me na", pending_photo_tokens=[token]))  # fmt: skip
    page = client.get(f"/volg/{receipt.tracking_token}/gegevens").get_data(as_text=True)
    assert "melder@example.org" in page and "Man riep me na" in page
    unconfirmed = client.post(f"/volg/{receipt.tracking_token}/intrekken")
    assert unconfirmed.status_code == 422
    done = client.post(f"/volg/{receipt.tracking_token}/intrekken", data={"confirm": "ja"})
    assert done.status_code == 200
    db.session.expire_all()
    report = db.session.get(Report, receipt.report_id)
    assert report.email is None and report.description is None and report.photos == []
    assert report.state == "geannuleerd" and report.withdrawn_at and report.location_coarsened_at
    assert report.history[-1].event == "withdrawn"
    assert (report.kind, report.category.code) == ("straatintimidatie", "naroepen")  # the statistical record
    after = client.get(f"/volg/{receipt.tracking_token}/gegevens").get_data(as_text=True)
    assert "melder@example.org" not in after and "Man riep me na" not in after


def test_the_privacy_page_comes_from_the_sweep_settings(make_app):
    app = make_app(RETENTION_CONTACT_DAYS=14, RETENTION_CONTENT_DAYS=180)
    with app.app_context():
        page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "14" in page.split('id="retention"')[1] and "180" in page.split('id="retention"')[1]


def test_the_sweep_removes_staff_notes_from_the_history(app, new_report, staff):
    from meldpunt.reports.models import StateChange

    closed = utcnow() - timedelta(days=400)
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker"), now=closed - timedelta(days=1))
    report = db.session.get(Report, receipt.report_id)
    workflow.take_in_handling(report, staff["oov"], now=closed)
    workflow.cancel(report, "Buurman Jan de Vries, 06-12345678", staff["oov"], now=closed)
    db.session.commit()
    sweep()
    reasons = db.session.scalars(sa.select(StateChange.reason).where(StateChange.report_id == receipt.report_id)).all()
    assert not any("Jan de Vries" in (r or "") for r in reasons)
    assert reasons[0].startswith("Gerouteerd door regel")  # the routing line is not personal


def test_the_sweep_removes_photos_of_forms_never_sent(app):
    import os
    import time

    store = photo_store()
    old = store.save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    fresh = store.save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    day_ago = time.time() - 25 * 3600
    os.utime(store.pending_path(old), (day_ago, day_ago))
    assert sweep()["pending_photos_removed"] == 1
    assert not store.has_pending(old) and store.has_pending(fresh)


def test_the_spot_description_goes_with_the_exact_location(app, new_report, staff):
    closed = utcnow() - timedelta(days=1)
    receipt = _closed_report(new_report, staff, closed)
    counts = sweep(now=closed + timedelta(days=31))
    db.session.commit()
    assert counts["locations_coarsened"] == 1 and counts["content_erased"] == 0
    db.session.expire_all()
    report = db.session.get(Report, receipt.report_id)
    assert report.location_description is None  # "Achter de bibliotheek" pinpoints the spot as well
    assert report.description  # the description itself stays until the content retention


def test_the_privacy_page_says_where_map_tiles_come_from(make_app):
    app = make_app(TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    with app.app_context():
        page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "tiles.example.org" in page
