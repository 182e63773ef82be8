"""Personal-data screening: a table of hits and near-misses."""

import pytest

from meldpunt.feedback.screening import iban_is_valid, passes_eleven_test, screen_for_personal_data

HITS = [
    ("Mail de buurman op jan.devries@example.nl", "email", "jan.devries@example.nl"),
    ("Bel hem op 06-12345678 als het weer gebeurt", "phone", "06-12345678"),
    ("nummer 06 1234 5678", "phone", "06 1234 5678"),
    ("zijn nummer is +31 6 12345678.", "phone", "+31 6 12345678"),
    ("0031612345678 is van de eigenaar", "phone", "0031612345678"),
    ("vaste lijn 0591-123456", "phone", "0591-123456"),
    ("vaste lijn (0591) 12 34 56", "phone", "(0591) 12 34 56"),
    ("Het gaat om 7811 AP 12.", "address", "7811 AP 12"),
    ("woning op 7811AP 3a", "address", "7811AP 3a"),
    ("Hoofdstraat 12, 7811 AP Emmen", "address", "12, 7811 AP"),
    ("de auto met kenteken 12-ABC-3 stond er weer", "licence_plate", "12-ABC-3"),
    ("kenteken XX-99-99 gezien", "licence_plate", "XX-99-99"),
    ("scooter 1-ABC-23", "licence_plate", "1-ABC-23"),
    ("GZ-123-B reed te hard", "licence_plate", "GZ-123-B"),
    ("kenteken kt-55-bh", "licence_plate", "kt-55-bh"),
    ("BSN 111222333 staat in het dossier", "bsn", "111222333"),
    ("bsn 1112.22.333", "bsn", "1112.22.333"),
    ("rekening NL91ABNA0417164300", "iban", "NL91ABNA0417164300"),
    ("rekening NL91 ABNA 0417 1643 00", "iban", "NL91 ABNA 0417 1643 00"),
    ("IBAN DE89370400440532013000", "iban", "DE89370400440532013000"),
]

NEAR_MISSES = [
    "Bel bij gevaar 112.",
    "Bel de politie op 0900-8844.",
    "Veilig Thuis: 0800-2000, Meld Misdaad Anoniem 0800-7000.",
    "Gemeente Emmen: 14 0591.",
    "Het gebeurde op 12-05-2026 om 22:15.",
    "In de wijk 7811 AP is het rustiger geworden.",  # postcode alone: an area, not an address
    "We hebben 123456789 keer gekeken.",  # fails the 11-test
    "Rekening NL91ABNA0417164301 klopt niet",  # wrong IBAN check digits
    "Melding EMN-7K4Q9D is afgehandeld.",
    "Er liepen 3 boa's rond tussen 22:00 en 23:30.",
    "De lamp bij paal 1234 is vervangen.",
    "Mail ons via de website.",
]


@pytest.mark.parametrize("text, kind, found", HITS)
def test_hits(text, kind, found):
    findings = screen_for_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses(text):
    assert screen_for_personal_data(text) == []


def test_several_findings_in_order():
    text = "Buurman (06-87654321, b@example.org) met auto 12-ABC-3."
    assert [f.kind for f in screen_for_personal_data(text)] == ["phone", "email", "licence_plate"]


def test_eleven_test_and_iban_check():
    assert passes_eleven_test("111222333") and not passes_eleven_test("111222334")
    assert passes_eleven_test("12345672")  # 8 digits: a leading zero was dropped
    assert iban_is_valid("NL91ABNA0417164300") and not iban_is_valid("NL91ABNA0417164301")
