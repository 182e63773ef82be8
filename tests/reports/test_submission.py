"""Storing a report: located in the database, validated, idempotent."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.receipts import hash_secret
from meldpunt.reports.models import Report
from meldpunt.reports.photos import CleanPhoto, photo_store
from meldpunt.reports.submission import SubmissionRejected, submit_report
from tests.fixtures.reports import AMSTERDAM_DAM, COEVORDEN_CENTRE, GERMANY, jpeg_with_gps


def test_location_is_stored_in_wgs84_and_rd(app, new_report):
    receipt = submit_report(new_report(lat=52.7858, lon=6.8975))
    x, y, rx, ry = db.session.execute(
        sa.select(
            sa.func.ST_X(Report.location),
            sa.func.ST_Y(Report.location),
            sa.func.ST_X(Report.location_rd),
            sa.func.ST_Y(Report.location_rd),
        ).where(Report.id == receipt.report_id)
    ).one()
    assert (round(x, 6), round(y, 6)) == (6.8975, 52.7858)
    # Emmen's Raadhuisplein in RD New: about x = 256.9 km, y = 534.2 km.
    assert rx == pytest.approx(256_887, abs=5)
    assert ry == pytest.approx(534_234, abs=5)


def test_receipt_has_a_short_reference_and_a_secret_token_stored_hashed(app, new_report):
    receipt = submit_report(new_report())
    report = db.session.get(Report, receipt.report_id)
    assert receipt.reference.startswith("EMN-") and len(receipt.reference) == 10
    assert len(receipt.tracking_token) == 43
    assert report.tracking_token_hash == hash_secret(receipt.tracking_token)
    assert receipt.tracking_token not in (report.tracking_token_hash, report.reference)


def test_the_same_submission_twice_is_one_report_with_the_same_receipt(app, new_report):
    first = submit_report(new_report(submission_key="retry-key-0123456789abcdef"))
    again = submit_report(new_report(submission_key="retry-key-0123456789abcdef", description="anders"))
    assert again.report_id == first.report_id
    assert (again.reference, again.tracking_token) == (first.reference, first.tracking_token)
    assert first.created and not again.created
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


@pytest.mark.parametrize(
    "point, message",
    [
        (COEVORDEN_CENTRE, "Coevorden"),
        (AMSTERDAM_DAM, "Amsterdam"),
        (GERMANY, "buiten Nederland"),
    ],
)
def test_a_point_outside_the_municipality_is_refused_with_where_it_is(app, new_report, point, message):
    with pytest.raises(SubmissionRejected) as rejected:
        submit_report(new_report(lat=point[0], lon=point[1]))
    assert message in str(rejected.value.problems["location"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_an_incident_in_the_future_is_refused(app, new_report):
    now = utcnow()
    with pytest.raises(SubmissionRejected) as rejected:
        submit_report(new_report(incident_at=now + timedelta(hours=2), incident_is_now=False), now=now)
    assert "toekomst" in str(rejected.value.problems["incident_at"])
    # A phone whose clock runs a few minutes ahead is not "the future".
    assert submit_report(new_report(incident_at=now + timedelta(minutes=3)), now=now).created


def test_a_category_of_another_kind_is_refused(app, new_report):
    with pytest.raises(SubmissionRejected):
        submit_report(new_report(kind="straatintimidatie", category_code="verlichting"))


def test_an_unsafe_place_has_no_incident_time(app, new_report):
    receipt = submit_report(
        new_report(kind="onveilige_plek", category_code="donker", incident_at=utcnow(), incident_is_now=True)
    )
    report = db.session.get(Report, receipt.report_id)
    assert report.incident_at is None and not report.incident_is_now


def test_restricted_kind_never_stores_contact_data(app, new_report):
    receipt = submit_report(
        new_report(kind="verdachte_situatie", category_code="hennep", email="a@example.org", email_consent=True)
    )
    report = db.session.get(Report, receipt.report_id)
    assert report.email is None and not report.email_consent
    assert report.category.restricted


def test_email_is_kept_only_with_consent(app, new_report):
    with_consent = submit_report(new_report(email="melder@example.org", email_consent=True))
    assert db.session.get(Report, with_consent.report_id).email == "melder@example.org"
    with pytest.raises(SubmissionRejected) as rejected:
        submit_report(new_report(email="melder@example.org", email_consent=False))
    assert set(rejected.value.problems) == {"email_consent"}


def test_every_problem_is_reported_at_once(app, new_report):
    from meldpunt.reports.submission import check_report

    with pytest.raises(SubmissionRejected) as rejected:
        check_report(new_report(description=" \x00 ", position=None, incident_is_now=False, email="x@example.org",
                                email_consent=False))  # fmt: skip
    assert set(rejected.value.problems) == {"description", "location", "incident_at", "email_consent"}


def test_a_kept_photo_is_attached_and_moved_out_of_pending(app, new_report):
    store = photo_store()
    token = store.save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    receipt = submit_report(new_report(pending_photo_tokens=[token]))
    db.session.commit()  # the file moves when the report is committed
    [photo] = db.session.get(Report, receipt.report_id).photos
    assert (photo.width, photo.height) == (64, 48)
    assert store.path_of(photo.storage_key).is_file()
    assert not store.has_pending(token)
    assert "static" not in str(store.path_of(photo.storage_key))


def test_a_double_send_found_only_by_the_unique_key_keeps_the_callers_work(app, new_report, staff, monkeypatch):
    """The same form sent twice at once: the second request looked the key up before the first committed, so only
    the unique index on the key finds the double. It answers the first report's receipt and undoes only its own
    insert (a savepoint), not what its caller had added in the same transaction; its photo is not moved anywhere.
    (The lookup is made to miss once: the moment between two requests cannot be timed in one process.)"""
    import secrets

    from meldpunt.reports import submission
    from meldpunt.staff.models import AuditEntry, audit

    key = secrets.token_urlsafe(24)
    first = submit_report(new_report(submission_key=key))
    db.session.commit()
    lookups, real = [], submission._by_submission_key

    def racing_lookup(key_hash):
        lookups.append(key_hash)
        return None if len(lookups) == 1 else real(key_hash)

    monkeypatch.setattr(submission, "_by_submission_key", racing_lookup)
    store = photo_store()
    token = store.save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    audit(staff["tnh"], "report_intake", detail="the caller's own work")
    again = submit_report(new_report(submission_key=key, pending_photo_tokens=[token]))
    db.session.commit()
    assert len(lookups) == 2  # missed, then found after the insert was refused
    assert (again.report_id, again.reference, again.created) == (first.report_id, first.reference, False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
    assert db.session.scalar(sa.select(AuditEntry.detail).where(AuditEntry.action == "report_intake")) == (
        "the caller's own work"
    )
    assert store.has_pending(token) and not list(store.root.glob("2*/*.jpg"))


def test_a_rolled_back_report_leaves_its_photo_waiting_not_stored(app, new_report):
    store = photo_store()
    token = store.save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    submit_report(new_report(pending_photo_tokens=[token]))
    db.session.rollback()
    assert store.has_pending(token)
    assert not list(store.root.glob("2*/*.jpg"))
