"""A staff member's saved queue filters: a name and the queue page's query string, per queue."""

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.reports.queries import FILTER_KEYS
from meldpunt.staff.models import SavedQueueFilter, User
from meldpunt.text import without_control_characters

MAX_PER_QUEUE = 20


class SavedFilterError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean_query(args) -> str:
    """Only the filter keys, in a fixed order: a saved filter or a back link can carry nothing else."""
    pairs = args.items() if hasattr(args, "items") else parse_qsl(args or "")
    values = {k: v for k, v in pairs if k in FILTER_KEYS and v}
    return urlencode([(k, values[k]) for k in FILTER_KEYS if k in values])


def filters_of(user: User, queue_code: str) -> list[SavedQueueFilter]:
    return list(
        db.session.scalars(
            sa.select(SavedQueueFilter)
            .where(SavedQueueFilter.user_id == user.id, SavedQueueFilter.queue_code == queue_code)
            .order_by(SavedQueueFilter.name)
        )
    )


def save_filter(user: User, queue_code: str, name: str, args) -> SavedQueueFilter:
    """Save (or replace, under the same name) the filters of a queue page."""
    name = without_control_characters(name or "").strip()[:80]
    if not name:
        raise SavedFilterError(_l("Give the filter a name."))
    mine = filters_of(user, queue_code)
    existing = next((f for f in mine if f.name == name), None)
    if existing is None and len(mine) >= MAX_PER_QUEUE:
        raise SavedFilterError(_l("You have saved %(n)d filters for this queue; delete one first.", n=MAX_PER_QUEUE))
    saved = existing or SavedQueueFilter(user_id=user.id, queue_code=queue_code, name=name)
    saved.query = clean_query(args)
    db.session.add(saved)
    db.session.flush()
    return saved


def delete_filter(user: User, filter_id: int) -> SavedQueueFilter | None:
    saved = db.session.get(SavedQueueFilter, filter_id)
    if saved is None or saved.user_id != user.id:
        return None
    db.session.delete(saved)
    db.session.flush()
    return saved
