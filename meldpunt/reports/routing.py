"""Routing at submission (DESIGN §3): ordered rules, stored as data, first match wins."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.profiles import POLICY_ROLE, current_profile
from meldpunt.reports.models import Queue, RoutingRule

# "Happening now or less than an hour ago": a field officer can still act in the street.
RECENT_MINUTES = 60


@dataclass(frozen=True)
class RoutingContext:
    kind: str
    category_code: str
    minutes_since_incident: float | None
    field_team_on_duty: bool
    area_kinds: frozenset[str] = field(default_factory=frozenset)
    area_codes: frozenset[str] = field(default_factory=frozenset)
    in_risk_zone: bool = False  # inside a risk zone active that day (meldpunt/events/risk_zones.py)

    @property
    def is_recent(self) -> bool:
        return self.minutes_since_incident is not None and self.minutes_since_incident <= RECENT_MINUTES


@dataclass(frozen=True)
class RoutingDecision:
    queue: Queue
    rule: RoutingRule | None
    # Happening now while the field team is off duty: tell the reporter to call 112 or the police if urgent.
    urgent_outside_service_hours: bool


def rule_matches(rule: RoutingRule, ctx: RoutingContext) -> bool:
    if rule.kinds and ctx.kind not in rule.kinds:
        return False
    if rule.category_codes and ctx.category_code not in rule.category_codes:
        return False
    if rule.area_kinds and not ctx.area_kinds.intersection(rule.area_kinds):
        return False
    if rule.area_codes and not ctx.area_codes.intersection(rule.area_codes):
        return False
    if rule.max_minutes_since_incident is not None and (
        ctx.minutes_since_incident is None or ctx.minutes_since_incident > rule.max_minutes_since_incident
    ):
        return False
    if rule.field_team_on_duty is not None and rule.field_team_on_duty != ctx.field_team_on_duty:
        return False
    if rule.in_risk_zone is not None and rule.in_risk_zone != ctx.in_risk_zone:
        return False
    return True


def route_report(ctx: RoutingContext) -> RoutingDecision:
    rules = db.session.scalars(
        sa.select(RoutingRule).where(RoutingRule.active.is_(True)).order_by(RoutingRule.position)
    )
    for rule in rules:
        if rule_matches(rule, ctx):
            queue = rule.queue
            break
    else:
        # No rule matched (a beheerder removed the catch-all): the first non-field queue takes it.
        rule = None
        queue = db.session.scalars(sa.select(Queue).order_by(Queue.is_field, Queue.id)).first()
        if queue is None:
            raise LookupError("no queues configured: run `flask seed`")
    urgent_off_duty = ctx.is_recent and not ctx.field_team_on_duty and ctx.kind != "onveilige_plek"
    return RoutingDecision(queue, rule, urgent_off_duty)


def policy_route() -> RoutingDecision:
    """The policy team's queue, whatever the rules say: for a signal without a spot (kinds.Kind.has_spot), which no
    field team can go and look at (DESIGN §6). The queue the profile has the policy role act on, a desk queue
    before a field queue (Emmen and Coevorden: OOV; Midden-Drenthe: Team Veiligheid, where OOV acts too)."""
    profile = current_profile()
    own = {seed.code for seed in profile.queues}
    queues = sorted(db.session.scalars(sa.select(Queue)), key=lambda q: (q.code not in own, q.is_field, q.id))
    for queue in queues:  # the profile's own queues first (a database may hold another profile's too)
        _readers, handlers = profile.queue_access(queue.code, queue.is_field)
        if POLICY_ROLE in handlers:
            return RoutingDecision(queue, None, urgent_outside_service_hours=False)
    raise LookupError("no queue the policy team handles: run `flask seed`")
