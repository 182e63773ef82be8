"""Screening free text meant for a reporter for other people's personal data (DESIGN §5). Names of others are
hard to find; these patterns are not: e-mail addresses, Dutch phone numbers, postcode with house number, Dutch
licence plates, BSN-like numbers that pass the 11-test, and IBANs that pass their check digits. Staff must edit or
explicitly confirm a text with findings before it is sent."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str  # email, phone, address, licence_plate, bsn, iban
    text: str
    start: int
    end: int


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 06-12345678, 06 1234 5678, +31 6 12345678, 0031 6..., 0591-123456, (0591) 12 34 56, 050 123 4567.
PHONE = re.compile(r"(?<![\w+(])(?:\+31|0031|\(0|0)[\s\-()]{0,2}\d(?:[\s\-().]{0,2}\d){8}(?!\d)")
# Service numbers (0800/0900/0880...) belong to organisations, not persons.
SERVICE_NUMBER = re.compile(r"^0\s*(?:8|9)\s*0\s*0")
# Postcode letters are capitals: "2026 om 22" is a date and a time, not an address.
POSTCODE_WITH_NUMBER = re.compile(
    r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b[\s,]*\d{1,5}\s?[A-Za-z]?\b"
    r"|\b\d{1,5}\s?[A-Za-z]?,?\s+[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b"
)
_PLATE_SHAPES = [
    "XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9", "9-XXX-99",
    "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9",
]  # fmt: skip
LICENCE_PLATE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(shape.replace("X", "[A-Za-z]").replace("9", r"\d") for shape in _PLATE_SHAPES)
    + r")(?![\w-])"
)
BSN_CANDIDATE = re.compile(r"(?<![\d.\-])(\d{4}[.\s]?\d{2}[.\s]?\d{3}|\d{8})(?![\d.\-])")
IBAN_CANDIDATE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]){11,30}\b")


def passes_eleven_test(digits: str) -> bool:
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def iban_is_valid(text: str) -> bool:
    iban = re.sub(r"\s", "", text).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def screen_for_personal_data(text: str) -> list[Finding]:
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind, match, group=0):
        start, end = match.span(group)
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        findings.append(Finding(kind, match.group(group), start, end))

    for m in EMAIL.finditer(text):
        add("email", m)
    for m in IBAN_CANDIDATE.finditer(text):
        if iban_is_valid(m.group()):
            add("iban", m)
    for m in POSTCODE_WITH_NUMBER.finditer(text):
        add("address", m)
    for m in LICENCE_PLATE.finditer(text):
        add("licence_plate", m)
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits.startswith("0031"):
            digits = "0" + digits[4:]
        elif digits.startswith("31"):
            digits = "0" + digits[2:]
        if len(digits) == 10 and not SERVICE_NUMBER.match(digits):
            add("phone", m)
    for m in BSN_CANDIDATE.finditer(text):
        if passes_eleven_test(re.sub(r"\D", "", m.group(1))):
            add("bsn", m, 1)
    return sorted(findings, key=lambda f: f.start)
