"""Feedback templates (DESIGN §5): the honest outcomes, per category and language, with a Dutch fallback."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meldpunt.extensions import db
from meldpunt.feedback.models import FeedbackTemplate
from meldpunt.reports.models import Category
from meldpunt.translated_data import source_text, translation

log = logging.getLogger(__name__)
FALLBACK_LOCALE = "nl"

# Outcomes that say nothing about what was done to whom: the only ones for categories with privacy level
# "generic" (woonoverlast, verward gedrag).
GENERIC_OUTCOMES = ("bredere_aanpak", "geen_directe_actie", "doorgezet_partner")

DEFAULT_TEMPLATES: dict[tuple[str | None, str], str] = {
    (None, "opgelost"): _l("Thank you for your report. We have dealt with it."),
    (None, "bredere_aanpak"): _l(
        "Thank you for your report. It is part of a wider approach in your area. We cannot tell you what we do "
        "about individual people, but your report helps us decide where we act."
    ),
    (None, "geen_directe_actie"): _l(
        "Thank you for your report. We could not take direct action this time, but your report is part of our "
        "picture of the neighbourhood and helps us decide where to look."
    ),
    (None, "doorgezet_partner"): _l(
        "Thank you for your report. We have discussed it with our partners, who are taking it further. For "
        "privacy reasons we cannot tell you more."
    ),
    ("jeugd", "aangesproken"): _l(
        "Thank you for your report. A field officer spoke to the young people. Young people may meet in public "
        "space; we act when it causes nuisance, damage or intimidation."
    ),
}


# An unsafe place is about a spot, not about people: its categories get their own wording for the outcomes whose
# general text speaks of people or privacy. Seeded for every category of the kind.
KIND_TEMPLATES: dict[tuple[str, str], str] = {
    ("onveilige_plek", "opgelost"): _l(
        "Thank you for your report. The problem at this place has been dealt with. If it still feels unsafe, "
        "please let us know again."
    ),
    ("onveilige_plek", "bredere_aanpak"): _l(
        "Thank you for your report. This place is part of a wider plan to make your area safer. Your report "
        "helps us decide which places come first."
    ),
    ("onveilige_plek", "geen_directe_actie"): _l(
        "Thank you for your report. We cannot change this place right away, but your report is part of our "
        "picture of unsafe places in the area and helps us decide where to improve lighting, greenery or routes."
    ),
    ("onveilige_plek", "doorgezet_partner"): _l(
        "Thank you for your report. We have passed it on to the team or organisation that looks after this "
        "place (for example street lighting, greenery or roads). They will take it further."
    ),
}


def _category_codes_of(kind: str) -> list[str]:
    return list(db.session.scalars(sa.select(Category.code).where(Category.kind == kind).order_by(Category.code)))


def default_templates() -> dict[tuple[str | None, str], str]:
    """Every default: the general ones, and the kind-specific ones for each category of that kind."""
    templates = dict(DEFAULT_TEMPLATES)
    for (kind, outcome), text in KIND_TEMPLATES.items():
        for code in _category_codes_of(kind):
            templates.setdefault((code, outcome), text)
    return templates


def seed_templates(languages) -> int:
    """Adds the default templates in every language whose catalogue translates them (else the Dutch one is
    used, and logged, until a later seed adds it), and replaces an English placeholder that an earlier seed left
    for a language whose translation has arrived since. Templates someone wrote or edited stay."""
    existing = {(t.category_code, t.outcome, t.locale): t for t in db.session.scalars(sa.select(FeedbackTemplate))}
    added = 0
    for (category, outcome), text in default_templates().items():
        english = source_text(text)
        for locale in languages:
            if (body := translation(text, locale)) is None:
                continue
            if (template := existing.get((category, outcome, locale))) is not None:
                if template.body == english and body != english:
                    template.body = body
                continue
            db.session.add(FeedbackTemplate(category_code=category, outcome=outcome, locale=locale, body=body))
            added += 1
    return added


def template_for(category_code: str, outcome: str, locale: str) -> FeedbackTemplate | None:
    """The most specific template in the reporter's language; else in Dutch (logged, so it gets written)."""
    for wanted in (locale, FALLBACK_LOCALE):
        found = db.session.scalar(
            sa.select(FeedbackTemplate)
            .where(
                FeedbackTemplate.outcome == outcome,
                FeedbackTemplate.locale == wanted,
                sa.or_(FeedbackTemplate.category_code == category_code, FeedbackTemplate.category_code.is_(None)),
            )
            .order_by(FeedbackTemplate.category_code.is_(None))
            .limit(1)
        )
        if found is not None:
            if wanted != locale:
                log.warning("no %s feedback template for %s/%s: using Dutch", locale, category_code, outcome)
            return found
    return None


def outcomes_with_template() -> set[str]:
    """The outcomes some template is written for: the ones a bulk close can offer."""
    return set(db.session.scalars(sa.select(FeedbackTemplate.outcome).distinct()))


def templates_for(category_code: str, locale: str) -> list[FeedbackTemplate]:
    """Per outcome, the template template_for would choose (in the reporter's language, else Dutch; the category's
    own before the general one), by outcome; in one query."""
    candidates = db.session.scalars(
        sa.select(FeedbackTemplate).where(
            FeedbackTemplate.locale.in_({locale, FALLBACK_LOCALE}),
            sa.or_(FeedbackTemplate.category_code == category_code, FeedbackTemplate.category_code.is_(None)),
        )
    )
    chosen: dict[str, FeedbackTemplate] = {}
    for template in sorted(candidates, key=lambda t: (t.locale != locale, t.category_code is None)):
        chosen.setdefault(template.outcome, template)
    return [chosen[outcome] for outcome in sorted(chosen)]
