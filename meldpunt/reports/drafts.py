"""Reports in progress ("drafts"), kept on the server so that a language switch, a link away from the review, Back,
or a refused send (429) loses nothing a reporter typed.

A draft is the form's own values (field name -> list of strings, as the browser sent them; the pending photo is
referenced by its token, see photos.py), the kind and category, and the step the reporter was on. It is stored as a
file named by an HMAC of a random id that only the reporter's session cookie holds: the page's HTML (submission
key, photo token) is not enough to find it. A draft is dropped when the report is sent, replaced by the next form
of the same session, and removed by `flask privacy-sweep` once DRAFT_LIFETIME_S has passed; a draft older than that
is never read. No database row: nothing of an unsent report reaches backups."""

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

# As long as a form's CSRF token lasts (WTF_CSRF_TIME_LIMIT): a frightened person may take a while.
DRAFT_LIFETIME_S = 4 * 3600
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Form values never kept: the CSRF token belongs to the page, the button pressed to the request.
NOT_KEPT = frozenset({"csrf_token", "action", "place", "next", "lang", "map_shown"})


@dataclass
class Draft:
    kind: str
    category: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    step: str = "form"  # "form", or "review" once the form was checked and found complete

    def value(self, name: str) -> str:
        values = self.fields.get(name) or [""]
        return values[0]


def new_draft_id() -> str:
    return secrets.token_urlsafe(24)


class DraftStore:
    def __init__(self, root: str | os.PathLike, secret: str, lifetime_s: int = DRAFT_LIFETIME_S):
        self.root = Path(root)
        self.secret = secret.encode()
        self.lifetime_s = lifetime_s

    def _path(self, draft_id: str) -> Path:
        if not _ID_RE.match(draft_id or ""):
            raise KeyError(draft_id)
        name = hmac.new(self.secret, draft_id.encode(), hashlib.sha256).hexdigest()
        return self.root / f"{name}.json"

    def save(self, draft_id: str, draft: Draft) -> None:
        path = self._path(draft_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"kind": draft.kind, "category": draft.category, "fields": draft.fields, "step": draft.step}
        temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        # Readable by the app's own user only; written whole, then renamed, so a reader never sees half a draft.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError:  # a full disk: no half-written draft is left behind
            temporary.unlink(missing_ok=True)
            raise

    def load(self, draft_id: str) -> Draft | None:
        try:
            path = self._path(draft_id)
            if time.time() - path.stat().st_mtime > self.lifetime_s:
                path.unlink(missing_ok=True)
                return None
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (KeyError, OSError, ValueError):
            return None
        fields = {str(k): [str(v) for v in values] for k, values in payload.get("fields", {}).items()}
        return Draft(payload["kind"], payload["category"], fields, payload.get("step", "form"))

    def drop(self, draft_id: str) -> None:
        try:
            self._path(draft_id).unlink(missing_ok=True)
        except KeyError:
            pass

    def prune(self) -> int:
        """Remove drafts older than their lifetime (run by `flask privacy-sweep`)."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - self.lifetime_s
        removed = 0
        for path in list(self.root.glob("*.json")) + list(self.root.glob("*.tmp")):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # dropped meanwhile
                pass
        return removed


def fields_from(form_values) -> dict[str, list[str]]:
    """A request's form values (a MultiDict) as a draft keeps them."""
    return {name: form_values.getlist(name) for name in form_values if name not in NOT_KEPT}


def draft_store() -> DraftStore:
    from flask import current_app

    config = current_app.config
    root = config.get("DRAFT_FOLDER") or os.path.join(current_app.instance_path, "drafts")
    return DraftStore(root, config["SECRET_KEY"])
