"""Every user-facing string reaches every catalogue, complete and with the msgid's placeholders and tags; the
translators' JSON fills a catalogue."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from config import Config

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_folder_is_hidden_from_babel():
    # Babel's extractor skips folders whose name starts with "_" or ".": their strings would never be translated.
    hidden = [p for p in (ROOT / "templates").rglob("*") if p.is_dir() and p.name.startswith(("_", "."))]
    assert hidden == []


# -- scripts/check_translations.py: what `make test` runs on every catalogue --------------------------------


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_translations = _script("check_translations")
fill_translations = _script("fill_translations")

MESSAGES = [
    "Check my report",
    "Municipality of %(name)s",
    ("%(num)s day", "%(num)s days"),
    "Under 5%% of reports",
    'Read the <a href="/privacy">privacy statement</a>.',
]


def _write(path, locale: str, translations: dict) -> None:
    catalogue = Catalog(locale=locale)
    for msgid in MESSAGES:
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        catalogue.add(msgid, translations.get(key, ("", "") if isinstance(msgid, tuple) else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalogue)


@pytest.fixture
def pot(tmp_path):
    path = tmp_path / "messages.pot"
    _write(path, None, {})
    return path


POLISH = {
    "Check my report": "Sprawdź moje zgłoszenie",
    "Municipality of %(name)s": "Gmina %(name)s",
    "%(num)s day": ("%(num)s dzień", "%(num)s dni", "%(num)s dni"),
    "Under 5%% of reports": "Poniżej 5%% zgłoszeń",
    'Read the <a href="/privacy">privacy statement</a>.': 'Przeczytaj <a href="/privacy">oświadczenie</a>.',
}


def _problems(pot, tmp_path, translations, locale="pl"):
    po = tmp_path / "translations" / locale / "LC_MESSAGES" / "messages.po"
    _write(po, locale, translations)
    with open(pot, "rb") as handle:
        return check_translations.check_catalogue(read_po(handle), po)


def test_a_complete_catalogue_passes(pot, tmp_path, capsys):
    _write(tmp_path / "translations" / "pl" / "LC_MESSAGES" / "messages.po", "pl", POLISH)
    assert check_translations.main(str(pot), str(tmp_path / "translations"), ["pl"]) == 0
    assert "translations complete" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("msgid", "translation", "problem"),
    [
        ("Check my report", "", "untranslated"),
        ("%(num)s day", ("%(num)s dzień", "", "%(num)s dni"), "untranslated"),
        ("Municipality of %(name)s", "Gmina %(nazwa)s", "placeholders differ"),
        ("Municipality of %(name)s", "Gmina", "placeholders differ"),
        ("Under 5%% of reports", "Poniżej 5% zgłoszeń", "placeholders differ"),
        ("%(num)s day", ("%(num)s dzień", "%(n)s dni", "%(num)s dni"), "placeholders differ"),
        ('Read the <a href="/privacy">privacy statement</a>.', "Przeczytaj oświadczenie.", "HTML tags differ"),
        ('Read the <a href="/privacy">privacy statement</a>.', 'Przeczytaj <a href="/x">to</a>.', "HTML tags differ"),
    ],
)
def test_each_problem_fails_the_check(pot, tmp_path, msgid, translation, problem):
    problems = _problems(pot, tmp_path, {**POLISH, msgid: translation})
    assert len(problems) == 1 and problems[0].startswith(problem) and repr(msgid) in problems[0]


def test_a_form_for_one_may_say_the_number_in_words(pot, tmp_path):
    assert _problems(pot, tmp_path, {**POLISH, "%(num)s day": ("jeden dzień", "%(num)s dni", "%(num)s dni")}) == []


def test_fuzzy_and_missing_entries_fail_the_check(pot, tmp_path):
    po = tmp_path / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
    _write(po, "pl", POLISH)
    with open(po, "rb") as handle:
        catalogue = read_po(handle)
    catalogue["Check my report"].flags.add("fuzzy")
    catalogue.delete("Municipality of %(name)s")
    with open(po, "wb") as handle:
        write_po(handle, catalogue)
    with open(pot, "rb") as handle:
        problems = check_translations.check_catalogue(read_po(handle), po)
    assert problems == ["fuzzy: 'Check my report'", "missing: 'Municipality of %(name)s'"]


def test_a_language_without_a_catalogue_fails(pot, tmp_path, capsys):
    _write(tmp_path / "translations" / "pl" / "LC_MESSAGES" / "messages.po", "pl", POLISH)
    assert check_translations.main(str(pot), str(tmp_path / "translations"), ["pl", "uk"]) == 1
    assert "uk: no catalogue" in capsys.readouterr().out


def test_the_check_covers_every_language_but_the_source():
    assert check_translations.configured_languages() == ["nl", "de", "pl", "ar", "uk"]
    assert Config.LANGUAGES == ["nl", "en", "de", "pl", "ar", "uk"]
    for lang in Config.LANGUAGES:
        assert (ROOT / "meldpunt" / "translations" / lang / "LC_MESSAGES" / "messages.po").exists()


# -- scripts/fill_translations.py: the translators' JSON into a catalogue ---------------------------------


def _read(po):
    with open(po, "rb") as handle:
        return read_po(handle)


def test_fill_fills_empty_entries_and_keeps_translated_ones(tmp_path):
    po = tmp_path / "messages.po"
    _write(po, "pl", {"Check my report": "Sprawdź zgłoszenie (poprawione)"})
    with open(po, "rb") as handle:
        catalogue = read_po(handle)
    catalogue["Municipality of %(name)s"].flags.add("fuzzy")
    with open(po, "wb") as handle:
        write_po(handle, catalogue)
    translations = tmp_path / "pl.json"
    translations.write_text(json.dumps({**POLISH, "A string removed since": "Usunięty"}), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fill_translations.py"), str(translations), str(po)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert "4 filled, 1 already translated (kept), 1 not in the catalogue" in result.stdout
    assert "'A string removed since'" in result.stdout
    filled = _read(po)
    assert filled["Check my report"].string == "Sprawdź zgłoszenie (poprawione)"
    assert filled["Municipality of %(name)s"].string == "Gmina %(name)s"
    assert not filled["Municipality of %(name)s"].fuzzy
    assert filled["%(num)s day"].string == ("%(num)s dzień", "%(num)s dni", "%(num)s dni")
    assert all(len(line) <= 76 for line in po.read_text(encoding="utf-8").splitlines())


def test_fill_with_force_overwrites(tmp_path):
    po = tmp_path / "messages.po"
    _write(po, "pl", {"Check my report": "Stare"})
    report = fill_translations.fill({"Check my report": "Sprawdź moje zgłoszenie"}, po, force=True)
    assert report["filled"] == ["Check my report"]
    assert _read(po)["Check my report"].string == "Sprawdź moje zgłoszenie"


def test_fill_refuses_the_wrong_number_of_plural_forms(tmp_path):
    po = tmp_path / "messages.po"
    _write(po, "pl", {})
    report = fill_translations.fill({"%(num)s day": ["%(num)s dzień", "%(num)s dni"]}, po)
    assert report["wrong_plural_count"] == ["%(num)s day"]
    assert _read(po)["%(num)s day"].string == ("", "", "")


def test_fill_takes_the_plural_forms_from_a_second_file(tmp_path):
    po = tmp_path / "messages.po"
    _write(po, "pl", {})
    strings, plurals = tmp_path / "pl.json", tmp_path / "pl.plurals.json"
    strings.write_text(json.dumps({"Check my report": "Sprawdź", "%(num)s day": "%(num)s dzień"}), encoding="utf-8")
    forms = {"msgid_plural": "%(num)s days", "forms": ["%(num)s dzień", "%(num)s dni", "%(num)s dni"]}
    plurals.write_text(json.dumps({"%(num)s day": forms}), encoding="utf-8")
    for order in ([strings, plurals], [plurals, strings]):
        _write(po, "pl", {})
        fill_translations.main([*map(str, order), str(po)])
        assert _read(po)["%(num)s day"].string == ("%(num)s dzień", "%(num)s dni", "%(num)s dni")
        assert _read(po)["Check my report"].string == "Sprawdź"
