"""Fails when a user-facing string has no Dutch translation, or a translation is marked fuzzy.

Usage: check_translations.py MESSAGES.pot TRANSLATIONS_DIR"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po


def main(pot_path: str, translations: str) -> int:
    with open(pot_path, "rb") as handle:
        template = read_po(handle)
    with open(Path(translations) / "nl" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        dutch = read_po(handle)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = dutch.get(message.id)
        if translated is None:
            problems.append(f"missing from nl catalogue: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not (translated.string if isinstance(translated.string, str) else all(translated.string)):
            problems.append(f"untranslated: {message.id!r}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problems: run `flask translate update` and translate them.")
        return 1
    print(f"translations complete: {len(template) - 1} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
