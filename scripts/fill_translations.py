"""Fills a catalogue's empty translations from a JSON file of msgid -> msgstr, as translators deliver them.

Usage: fill_translations.py TRANSLATIONS.json [MORE.json ...] CATALOGUE.po [--force]
e.g.   fill_translations.py /work/tr/pl.json /work/tr/pl.plurals.json meldpunt/translations/pl/LC_MESSAGES/messages.po

A non-empty translation is never overwritten unless --force is given: what a person corrected in the catalogue
stays. A filled entry loses its fuzzy mark (it is a translation now, not a guess). Plural entries take their
forms (as many as the language has) under their singular msgid: a list, or {"msgid_plural": ..., "forms": [...]};
given both forms and a plain string for one msgid, the forms win; a plain string alone is used for every form.
Prints what it did, and which msgids of the JSON the catalogue does not have (a string changed since)."""

import argparse
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _plural_forms(value, count: int):
    if isinstance(value, str):
        return (value,) * count
    if isinstance(value, dict) and "forms" in value:
        value = value["forms"]
    elif isinstance(value, dict):  # {"0": ..., "1": ...}
        value = [value[key] for key in sorted(value, key=int)]
    forms = tuple(value)
    return forms if len(forms) == count else None


def _is_empty(string) -> bool:
    return not (all(string) if isinstance(string, (tuple, list)) else string)


def merged(files: list[Path]) -> dict:
    """The translations of several files; for a msgid with plural forms in one and a plain string in another,
    the forms."""
    translations = {}
    for path in files:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if isinstance(value, str) and not isinstance(translations.get(key, ""), str):
                continue
            translations[key] = value
    return translations


def fill(translations: dict, catalogue_path: Path, *, force: bool = False) -> dict[str, list[str]]:
    with open(catalogue_path, "rb") as handle:
        catalogue = read_po(handle)
    report = {"filled": [], "kept": [], "unknown": [], "wrong_plural_count": []}
    known = set()
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if message.pluralizable else message.id
        known.add(key)
        if key not in translations or not translations[key]:
            continue
        if not force and not _is_empty(message.string):
            report["kept"].append(key)
            continue
        if message.pluralizable:
            forms = _plural_forms(translations[key], catalogue.num_plurals)
            if forms is None:
                report["wrong_plural_count"].append(key)
                continue
            message.string = forms
        else:
            value = translations[key]
            message.string = value if isinstance(value, str) else value[0]
        message.flags.discard("fuzzy")
        report["filled"].append(key)
    report["unknown"] = [key for key in translations if key not in known]
    with open(catalogue_path, "wb") as handle:
        write_po(handle, catalogue, width=76)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_files", type=Path, nargs="+", metavar="TRANSLATIONS.json")
    parser.add_argument("catalogue", type=Path, metavar="CATALOGUE.po")
    parser.add_argument("--force", action="store_true", help="overwrite translations that are already there")
    args = parser.parse_args(argv)
    translations = merged(args.json_files)
    report = fill(translations, args.catalogue, force=args.force)
    print(
        f"{args.catalogue}: {len(report['filled'])} filled, {len(report['kept'])} already translated (kept), "
        f"{len(report['unknown'])} not in the catalogue, {len(report['wrong_plural_count'])} with the wrong "
        "number of plural forms"
    )
    for key in report["unknown"]:
        print(f"not in the catalogue: {key!r}")
    for key in report["wrong_plural_count"]:
        print(f"wrong number of plural forms: {key!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
