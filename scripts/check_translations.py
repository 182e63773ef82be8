"""Fails when a user-facing string lacks a translation in any language the site offers, when a translation is
marked fuzzy, or when a translation's placeholders (%(name)s, %%, {name}) or HTML tags differ from its msgid's.

Usage: check_translations.py MESSAGES.pot TRANSLATIONS_DIR

The languages are config.Config.LANGUAGES; English is the source language (its msgstr may stay empty: the msgid
is the English text), so it is not checked."""

import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "en"

# %(name)s and the other printf conversions with a name, a literal %% (Jinja's _() needs it), and {name}.
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%|\{[^{}\s]*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def configured_languages() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from config import Config

    return [lang for lang in Config.LANGUAGES if lang != SOURCE_LANGUAGE]


def _forms(string) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _markup_problems(message, translated) -> list[str]:
    problems = []
    ids = _forms(message.id)
    for form in _forms(translated.string):
        if message.pluralizable:
            # A form for one (or two) may say the number in words, so %(num)s may be left out; nothing else may.
            allowed = set().union(*(PLACEHOLDER.findall(i) for i in ids))
            found = set(PLACEHOLDER.findall(form))
            needed = {p for p in allowed if not p.startswith("%(num)")}
            if found - allowed or needed - found:
                problems.append(f"placeholders differ: {sorted(found)} instead of {sorted(allowed)}")
        elif Counter(PLACEHOLDER.findall(form)) != Counter(PLACEHOLDER.findall(ids[0])):
            problems.append(
                f"placeholders differ: {sorted(PLACEHOLDER.findall(form))} "
                f"instead of {sorted(PLACEHOLDER.findall(ids[0]))}"
            )
        if Counter(HTML_TAG.findall(form)) != Counter(HTML_TAG.findall(ids[-1] if message.pluralizable else ids[0])):
            problems.append("HTML tags differ from the msgid's")
    return problems


def check_catalogue(template, catalogue_path: Path) -> list[str]:
    if not catalogue_path.exists():
        return [f"no catalogue at {catalogue_path}: run pybabel init"]
    with open(catalogue_path, "rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        if translated is None:
            problems.append(f"missing: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(_forms(translated.string)):
            problems.append(f"untranslated: {message.id!r}")
        else:
            problems.extend(f"{problem}: {message.id!r}" for problem in _markup_problems(message, translated))
    return problems


def main(pot_path: str, translations: str, languages: list[str] | None = None) -> int:
    with open(pot_path, "rb") as handle:
        template = read_po(handle)
    total = 0
    for lang in languages or configured_languages():
        problems = check_catalogue(template, Path(translations) / lang / "LC_MESSAGES" / "messages.po")
        for problem in problems:
            print(f"{lang}: {problem}")
        total += len(problems)
    if total:
        print(f"{total} translation problems: run `flask translate update` and translate them.")
        return 1
    print(f"translations complete: {len(template)} messages in {len(languages or configured_languages())} languages")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
