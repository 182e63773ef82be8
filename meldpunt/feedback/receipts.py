"""Receipts: a short reference to quote on the phone and a secret tracking token, stored only as a hash."""

import base64
import hashlib
import hmac
import re
import secrets

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

# No 0/O, 1/I/L: the reference is read aloud over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")

PUBLIC_STATES = {
    "nieuw": "ontvangen",
    "in_behandeling": "in_behandeling",
    "ingepland": "in_behandeling",
    "doorgezet": "in_behandeling",
    "heropend": "in_behandeling",
    "afgehandeld": "afgehandeld",
    "geannuleerd": "afgehandeld",
}


def link_only_withdraws(category) -> bool:
    """A restricted report (a restricted kind, or a category restricted by its data) gets no tracking link: no
    progress, no outcome, no question afterwards. Its reporter may choose, once, a link that only withdraws it; the
    page behind that link names neither kind nor category, for whoever else picks up the phone (DESIGN §6)."""
    return bool(category.restricted)


def receipt_links(category, tracking_token: str) -> tuple[str | None, str | None]:
    """(the tracking link's token, the token of the link that only withdraws): one of the two, never both."""
    if link_only_withdraws(category):
        return None, tracking_token
    return tracking_token, None


def new_reference(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def tracking_token_for(secret_key: str, submission_key: str | None) -> str:
    """The token for a submission. Derived from the form's one-time submission key, so that a retried
    submission whose first answer was lost on a bad network shows the same working link (and the confirmation
    mail sent for the first attempt stays valid). Without a key (staff filing on behalf): random."""
    if submission_key is None:
        raw = secrets.token_bytes(32)
    else:
        raw = hmac.new(secret_key.encode(), b"tracking:" + submission_key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# The public states in order, with what the reporter reads (the tracking page's steps, Open311's status_notes).
PUBLIC_STATE_LABELS = {"ontvangen": _l("Received"), "in_behandeling": _l("In progress"), "afgehandeld": _l("Closed")}


def public_state(state: str) -> str:
    return PUBLIC_STATES[state]


_ANSWER_SALT = "satisfaction"


def answer_token(secret_key: str, report_id: int) -> str:
    """A link token for the closing mail: it can only answer this one report's satisfaction question."""
    return URLSafeSerializer(secret_key, salt=_ANSWER_SALT).dumps(report_id)


def report_id_for_answer_token(secret_key: str, token: str) -> int | None:
    try:
        report_id = URLSafeSerializer(secret_key, salt=_ANSWER_SALT).loads(token)
    except BadSignature:
        return None
    return report_id if isinstance(report_id, int) else None
