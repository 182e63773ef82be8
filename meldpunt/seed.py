"""Reference data a new database needs: boundaries, approximate dorp areas, the profile's queues, categories and
routing rules.
Idempotent: what exists is left alone, so a beheerder's changes survive a re-run."""

import sqlalchemy as sa
from flask import current_app

from meldpunt.analysis.targets import seed_targets
from meldpunt.analysis.warnings import seed_warning_rules
from meldpunt.extensions import db
from meldpunt.feedback.templates import seed_templates
from meldpunt.geo.areas import link_report_areas, seed_approximate_dorpen
from meldpunt.geo.boundaries import load_municipalities
from meldpunt.geo.models import Municipality
from meldpunt.profiles import DATA_DIR, Profile, village_centres
from meldpunt.reports.catalogue import CATEGORIES
from meldpunt.reports.models import Category, Queue, RoutingRule
from meldpunt.translated_data import completed_names, names_in


def seed_reference_data(profile: Profile) -> dict[str, int]:
    counts = {"municipalities": 0, "queues": 0, "categories": 0, "rules": 0, "feedback_templates": 0}
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)):
        counts["municipalities"] = load_municipalities(DATA_DIR / "gemeenten-2025.geojson")

    queues = {q.code: q for q in db.session.scalars(sa.select(Queue))}
    for seed in profile.queues:
        if seed.code not in queues:
            queues[seed.code] = Queue(
                code=seed.code, names={"nl": seed.name_nl, "en": seed.name_en}, is_field=seed.is_field
            )
            db.session.add(queues[seed.code])
            counts["queues"] += 1

    languages = current_app.config["LANGUAGES"]
    existing = {c.code: c for c in db.session.scalars(sa.select(Category))}
    counts["category_names_completed"] = 0
    for position, seed in enumerate(CATEGORIES):
        if category := existing.get(seed.code):
            # A language added since, or a translation that arrived since: the names gain it, nothing else.
            if (names := completed_names(category.names, seed.name, languages)) is not None:
                category.names = names
                counts["category_names_completed"] += 1
            continue
        db.session.add(
            Category(
                code=seed.code,
                kind=seed.kind,
                names=names_in(seed.name, languages),
                position=position,
                restricted=seed.restricted,
                privacy_level=seed.privacy_level,
                typical_handling_days=seed.typical_handling_days,
            )
        )
        counts["categories"] += 1

    if not db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)):
        db.session.flush()
        for position, rule in enumerate(profile.rules, start=1):
            db.session.add(
                RoutingRule(
                    position=position * 10,
                    description=rule.description,
                    kinds=list(rule.kinds) if rule.kinds else None,
                    category_codes=list(rule.categories) if rule.categories else None,
                    area_kinds=list(rule.area_kinds) if rule.area_kinds else None,
                    max_minutes_since_incident=rule.max_minutes_since_incident,
                    field_team_on_duty=rule.field_team_on_duty,
                    in_risk_zone=rule.in_risk_zone,
                    queue=queues[rule.queue],
                )
            )
            counts["rules"] += 1
    counts["feedback_templates"] = seed_templates(languages)
    counts["targets"] = seed_targets(profile.code, languages)
    counts["warning_rules"] = seed_warning_rules(languages)
    db.session.flush()
    # Approximate dorpen until the municipality imports its own; then every report is linked to its areas.
    counts["approximate_dorp_areas"] = seed_approximate_dorpen(profile.cbs_code, village_centres(profile.cbs_code))
    counts["new_report_area_links"] = link_report_areas().links_added
    return counts
