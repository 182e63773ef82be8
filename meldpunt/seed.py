"""Reference data a new database needs: boundaries, approximate dorp areas, the profile's queues, categories and
routing rules.
Idempotent: what exists is left alone, so a beheerder's changes survive a re-run; a queue the profile gained since
(a new field team) is added with its routing rules."""

import sqlalchemy as sa
from flask import current_app

from meldpunt.analysis.targets import seed_targets
from meldpunt.analysis.warnings import seed_warning_rules
from meldpunt.extensions import db
from meldpunt.feedback.templates import seed_templates
from meldpunt.geo.areas import link_report_areas, seed_approximate_dorpen
from meldpunt.geo.boundaries import load_municipalities
from meldpunt.geo.models import Municipality
from meldpunt.profiles import DATA_DIR, Profile, RuleSeed, village_centres
from meldpunt.reports.catalogue import CATEGORIES
from meldpunt.reports.models import Category, Queue, RoutingRule
from meldpunt.translated_data import completed_names, names_in


def seed_reference_data(profile: Profile) -> dict[str, int]:
    counts = {"municipalities": 0, "queues": 0, "categories": 0, "rules": 0, "feedback_templates": 0}
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)):
        counts["municipalities"] = load_municipalities(DATA_DIR / "gemeenten-2025.geojson")

    queues = {q.code: q for q in db.session.scalars(sa.select(Queue))}
    new_queues = set()
    for seed in profile.queues:
        if seed.code not in queues:
            new_queues.add(seed.code)
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
            db.session.add(_rule(rule, position * 10, queues))
            counts["rules"] += 1
    else:
        counts["rules"] = _add_rules_of_new_queues(profile, queues, new_queues)
    counts["feedback_templates"] = seed_templates(languages)
    counts["targets"] = seed_targets(profile.code, languages)
    counts["warning_rules"] = seed_warning_rules(languages)
    db.session.flush()
    # Approximate dorpen until the municipality imports its own; then every report is linked to its areas.
    counts["approximate_dorp_areas"] = seed_approximate_dorpen(profile.cbs_code, village_centres(profile.cbs_code))
    counts["new_report_area_links"] = link_report_areas().links_added
    return counts


def _rule(rule: RuleSeed, position: int, queues: dict[str, Queue]) -> RoutingRule:
    return RoutingRule(
        position=position,
        description=rule.description,
        kinds=list(rule.kinds) if rule.kinds else None,
        category_codes=list(rule.categories) if rule.categories else None,
        area_kinds=list(rule.area_kinds) if rule.area_kinds else None,
        max_minutes_since_incident=rule.max_minutes_since_incident,
        field_team_on_duty=rule.field_team_on_duty,
        in_risk_zone=rule.in_risk_zone,
        queue=queues[rule.queue],
    )


def _add_rules_of_new_queues(profile: Profile, queues: dict[str, Queue], new_queues: set[str]) -> int:
    """A database that has its rules already and gains a queue (a profile with a new field team, such as Emmen's
    straatcoaches): the profile's rules for that queue are added, each just before the first rule that follows it
    in the profile. Only for a queue new in this run, so a rule the beheerder removed stays removed."""
    if not new_queues:
        return 0
    db.session.flush()
    existing = list(db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position)))
    by_description = {r.description: r for r in existing}
    taken = {r.position for r in existing}
    added = 0
    for index, seed in enumerate(profile.rules):
        if seed.queue not in new_queues or seed.description in by_description:
            continue
        following = next((by_description[s.description] for s in profile.rules[index + 1 :]
                          if s.description in by_description), None)  # fmt: skip
        position = following.position - 1 if following else max(taken, default=0) + 10
        while position in taken:  # rules sit ten apart when seeded; a beheerder may have filled the gap
            position -= 1
        rule = _rule(seed, position, queues)
        db.session.add(rule)
        by_description[seed.description] = rule
        taken.add(position)
        added += 1
    return added
