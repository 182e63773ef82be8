"""Monitoring and the tracking link."""

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_gone(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_tracking_shows_the_public_state(client, new_report):
    receipt = submit_report(new_report())
    page = client.get(f"/volg/{receipt.tracking_token}").get_data(as_text=True)
    assert receipt.reference in page and "Ontvangen" in page
    report = db.session.get(Report, receipt.report_id)
    report.state = "doorgezet"  # internal states are never shown
    db.session.commit()
    page = client.get(f"/volg/{receipt.tracking_token}").get_data(as_text=True)
    assert "In behandeling" in page and "doorgezet" not in page.lower()


def test_unknown_and_malformed_tokens_look_exactly_like_not_found(client, new_report):
    receipt = submit_report(new_report())
    wrong = receipt.tracking_token[:-1] + ("A" if receipt.tracking_token[-1] != "A" else "B")
    answers = [client.get(f"/volg/{token}") for token in (wrong, "kort", "x" * 300, "../../etc")]
    assert {a.status_code for a in answers} == {404}
    bodies = {a.get_data(as_text=True) for a in answers}
    assert len({len(b) for b in bodies}) == 1
    assert receipt.reference not in "".join(bodies)


def test_a_malformed_token_costs_the_same_lookup_as_a_wrong_one(client, new_report):
    """No early exit for malformed tokens: every token is hashed and looked up, so timing tells nothing."""
    submit_report(new_report())
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for token in ("kort", "A" * 43):
            statements.clear()
            assert client.get(f"/volg/{token}").status_code == 404
            assert sum("FROM report" in s for s in statements) == 1
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_receipts_never_store_the_token(app, new_report):
    receipt = submit_report(new_report())
    dump = db.session.execute(sa.select(Report.__table__)).all()
    assert receipt.tracking_token not in repr(dump)


def test_the_token_is_only_in_the_address_not_in_the_title(client, new_report):
    receipt = submit_report(new_report())
    page = client.get(f"/volg/{receipt.tracking_token}").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert receipt.tracking_token not in title and receipt.reference in title
