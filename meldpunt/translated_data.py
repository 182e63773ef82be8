"""Seeded data in every language: the names of categories, targets and warning rules, and the feedback
templates, are stored per language from the Babel catalogues at seed time.

A language whose catalogue has no translation yet gets no value (pages then fall back to Dutch), so a later
`flask seed`, after the translation arrived, fills it in. A value someone changed is never overwritten."""

from flask_babel import force_locale, get_translations

SOURCE_LANGUAGE = "en"  # the msgids are English


def translation(text, locale: str) -> str | None:
    """`text` (a lazy string) in `locale`, or None when that catalogue does not translate it. Asked of the catalogue
    itself: a translation may be spelled like the English ("Alcohol" in Dutch)."""
    msgid = source_text(text)
    with force_locale(locale):
        # A compiled catalogue holds only translated, non-fuzzy entries.
        if locale != SOURCE_LANGUAGE and msgid not in getattr(get_translations(), "_catalog", {}):
            return None
        return str(text)


def source_text(text) -> str:
    with force_locale(SOURCE_LANGUAGE):
        return str(text)


def names_in(text, languages) -> dict[str, str]:
    return {locale: name for locale in languages if (name := translation(text, locale)) is not None}


def completed_names(names: dict, text, languages) -> dict[str, str] | None:
    """`names` with every language added that lacks a name, or has only the English text a seed stored before its
    translation existed; None when nothing changes. Names someone wrote stay as they are."""
    english = source_text(text)
    updated = dict(names)
    for locale in languages:
        if (name := translation(text, locale)) is None:
            continue
        stored = updated.get(locale)
        if not stored or (stored == english and name != english):
            updated[locale] = name
    return updated if updated != names else None
