"""Feedback per area (issue 10, item 9): the monthly "u meldde — wij deden" summary of a wijk or dorp, as a public
page and as a mail to the organisations OOV names, made by `flask area-summaries`; only numbers of at least 5,
and no number that the total and the others would give away."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.feedback.area_summary import first_of_month, previous_month, protected
from meldpunt.geo.areas import dorp_code
from meldpunt.geo.models import Area
from meldpunt.outbox.worker import drain
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from meldpunt.reports.workflow import close_with_outcome, take_in_handling
from meldpunt.staff.models import AuditEntry

KLAZIENAVEEN = (52.7242, 6.9903)


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def test_small_numbers_and_what_the_total_gives_away_are_hidden():
    # One figure under 5 next to a shown total: the smallest other figure is hidden too, or 10 - 7 would show 3.
    assert protected({"a": 7, "b": 3, "c": 0}) == ({"a": None, "b": None, "c": 0}, 10)
    assert protected({"a": 7, "b": 6, "c": 3}) == ({"a": 7, "b": None, "c": None}, 16)
    assert protected({"a": 2, "b": 1}) == ({"a": None, "b": None}, None)
    assert protected({"a": 8, "b": 5, "c": 0}) == ({"a": 8, "b": 5, "c": 0}, 13)
    # Two hidden figures next to the total: their sum is known, neither is.
    assert protected({"a": 9, "b": 2, "c": 1}) == ({"a": 9, "b": None, "c": None}, 12)


def _month():
    return previous_month(first_of_month(utcnow().astimezone(LOCAL_TZ).date()))


def _moment(month, day, hour=12):
    from datetime import datetime

    return datetime(month.year, month.month, day, hour, tzinfo=LOCAL_TZ)


def _report(new_report, when, **kwargs):
    receipt = submit_report(new_report(incident_at=when - timedelta(hours=1), **kwargs), now=when)
    return db.session.get(Report, receipt.report_id)


def _close(report, outcome, when, staff):
    actor = staff["oov"] if report.queue.code == "oov" else staff["tnh"]
    take_in_handling(report, actor, now=when)
    close_with_outcome(report, outcome, "Dank voor uw melding.", actor, now=when)


@pytest.fixture
def planted_month(app, new_report, staff):
    """In Emmen (the dorp), last month: 6 street-harassment and 5 nuisance reports; 5 of the nuisance reports
    closed as resolved, one harassment report closed without direct action. Not counted: a restricted report
    there, a report in Klazienaveen, and a report in Emmen the month before."""
    month = _month()
    harassment = [_report(new_report, _moment(month, 2 + i)) for i in range(6)]
    nuisance = [_report(new_report, _moment(month, 3 + i), kind="overlast", category_code="vernieling")
                for i in range(5)]  # fmt: skip
    _report(new_report, _moment(month, 4), kind="verdachte_situatie", category_code="hennep")
    _report(new_report, _moment(month, 5), lat=KLAZIENAVEEN[0], lon=KLAZIENAVEEN[1])
    _report(new_report, _moment(previous_month(month), 20))
    for report in nuisance:
        _close(report, "opgelost", report.created_at + timedelta(days=3), staff)
    _close(harassment[0], "geen_directe_actie", harassment[0].created_at + timedelta(days=1), staff)
    db.session.commit()
    return month


def _emmen():
    return db.session.scalar(sa.select(Area).where(Area.code == dorp_code("GM0114", "Emmen")))


def _cells(page: str, caption: str) -> dict[str, str]:
    table = page.split(caption, 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table))


def test_the_public_page_shows_last_months_figures_of_the_dorp(planted_month, client):
    emmen = _emmen()
    page = client.get(f"/cijfers/gebieden/{emmen.code}").get_data(as_text=True)
    assert "U meldde, wij deden: Emmen" in page
    reported = _cells(page, "Meldingen gedaan in")
    assert reported["Straatintimidatie"] == "6"
    assert reported["Overlast"] == "5"
    assert reported["Onveilige plek"] == "0"
    assert reported["Totaal"] == "11"  # not the restricted one, not Klazienaveen, not the month before
    closed = _cells(page, "Meldingen afgehandeld in")
    # 5 resolved and 1 without direct action: the 1 is hidden, and so is the 5 (6 - 5 would show the 1).
    assert (
        closed["Opgelost"] == "–" and closed["Geen directe actie mogelijk, meegenomen in ons beeld van de buurt"] == "–"
    )
    assert closed["Totaal"] == "6"
    assert "Overlast: de helft van de meldingen was binnen 3 dagen afgehandeld" in page
    assert "Straatintimidatie: de helft" not in page  # one closed report: no median
    assert "verdacht" not in page.lower() and "hennep" not in page.lower()


def test_a_month_can_be_chosen_and_a_wrong_one_is_refused(planted_month, client):
    emmen = _emmen()
    earlier = previous_month(planted_month)
    page = client.get(f"/cijfers/gebieden/{emmen.code}?maand={earlier:%Y-%m}").get_data(as_text=True)
    assert _cells(page, "Meldingen gedaan in")["Totaal"] == "–"  # one report that month
    refused = client.get(f"/cijfers/gebieden/{emmen.code}?maand=1999-01", follow_redirects=True)
    assert "Kies een van de maanden uit de lijst." in refused.get_data(as_text=True)
    assert client.get("/cijfers/gebieden/GEEN-GEBIED").status_code == 404
    index = client.get("/cijfers/gebieden/").get_data(as_text=True)
    assert f'href="/cijfers/gebieden/{emmen.code}"' in index


def _add_contact(client, area, organisation, email):
    page = client.get("/medewerkers/gebiedscontacten/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "area": str(area.id), "organisation": organisation, "email": email}
    return client.post("/medewerkers/gebiedscontacten/", data=data, follow_redirects=True)


def test_oov_names_the_contacts_and_the_command_mails_them_once(planted_month, app, staff, login, runner,
                                                                 smtp_server):  # fmt: skip
    oov = app.test_client()
    login(oov, staff["oov"])
    emmen = _emmen()
    refused = _add_contact(oov, emmen, "Wijkplatform Emmen-Centrum", "geen-adres")
    assert refused.status_code == 422
    assert "Wijkplatform Emmen-Centrum" in refused.get_data(as_text=True)  # what was typed is kept
    page = _add_contact(oov, emmen, "Wijkplatform Emmen-Centrum", "platform@example.org").get_data(as_text=True)
    assert "Wijkplatform Emmen-Centrum ontvangt het overzicht van Emmen." in page
    twice = _add_contact(oov, emmen, "Wijkplatform", "Platform@example.org")
    assert twice.status_code == 422 and "ontvangt het overzicht van Emmen al" in twice.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEntry.detail).where(AuditEntry.action == "area_contact_add")) == (
        f"{emmen.code}: Wijkplatform Emmen-Centrum"
    )

    first = runner.invoke(args=["area-summaries"])
    assert first.exit_code == 0, first.output
    assert "1 area(s) queued" in first.output
    again = runner.invoke(args=["area-summaries", "--month", f"{planted_month:%Y-%m}"])
    assert "0 area(s) queued" in again.output
    drain()
    db.session.commit()
    [(recipients, message)] = smtp_server.mailbox.messages
    assert recipients == ["platform@example.org"]
    assert message["Subject"].startswith("U meldde, wij deden: Emmen")
    text = message.get_body(("plain",)).get_content()
    assert "Straatintimidatie: 6" in text and "Totaal: 11" in text
    assert f"https://meldpunt.example/cijfers/gebieden/{emmen.code}?maand={planted_month:%Y-%m}" in text

    not_over = runner.invoke(args=["area-summaries", "--month", f"{first_of_month(utcnow().date()):%Y-%m}"])
    assert not_over.exit_code != 0 and "not over yet" in not_over.output
