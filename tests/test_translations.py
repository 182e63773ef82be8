"""Every user-facing string reaches the Dutch catalogue."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_folder_is_hidden_from_babel():
    # Babel's extractor skips folders whose name starts with "_" or ".": their strings would never be translated.
    hidden = [p for p in (ROOT / "templates").rglob("*") if p.is_dir() and p.name.startswith(("_", "."))]
    assert hidden == []
