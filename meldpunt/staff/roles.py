"""Roles (DESIGN §1) and what each may do. Checked in the domain layer and on every staff route."""

from flask_babel import lazy_gettext as _l

from meldpunt.profiles import FIELD_COORDINATOR_ROLE, POLICY_ROLE, current_profile
from meldpunt.reports.models import OPEN_STATES

BOA = "boa"
TNH_COORDINATOR = FIELD_COORDINATOR_ROLE
OOV = POLICY_ROLE
BEHEERDER = "beheerder"
# The analysis pages and exports (/analyse/), and nothing else: no queue, report, photo, contact detail, field
# mode or beheer page (DESIGN §1, §6). OOV sees the analysis too.
ANALIST = "analist"
ROLES = (BOA, TNH_COORDINATOR, OOV, ANALIST, BEHEERDER)

ROLE_LABELS = {
    BOA: _l("Field officer (boa)"),
    TNH_COORDINATOR: _l("TNH coordinator"),
    OOV: _l("OOV officer"),
    ANALIST: _l("Analyst"),
    BEHEERDER: _l("Administrator"),
}

# Which roles read and which act on a queue is profile data (QueueSeed.handled_by, Profile.regie_roles): in
# Emmen OOV handles the policy queue, the TNH coordinator the field queue, and OOV reads both (regie).
REPORT_ROLES = {TNH_COORDINATOR, OOV}
# The analysis pages and exports: aggregated figures, never a report's detail (DESIGN §1, §9).
ANALYSIS_ROLES = (OOV, ANALIST)


def role_label(role: str, user=None) -> str:
    """The role as staff read it; the field worker as the profile names their team (boa, straatcoach,
    toezichthouder): this user's team, or without a user the default team."""
    if role == BOA:
        team = current_profile().field_team(user.field_team if user is not None else None)
        return str(team.title if team else current_profile().field_role_title)
    return str(ROLE_LABELS[role])


def field_team_of(user):
    """The field team a field worker belongs to (profiles.FieldTeam): theirs, else the profile's first."""
    return current_profile().field_team(getattr(user, "field_team", None))


def field_label(user=None) -> str:
    """How this field worker's team is named in one word (boa, straatcoach, toezichthouder)."""
    team = field_team_of(user)
    return team.label if team else current_profile().field_role_label


def role_labels() -> dict[str, str]:
    return {role: role_label(role) for role in ROLES}


def can_read_queue(roles: set[str], queue) -> bool:
    readers, _ = current_profile().queue_access(queue.code, queue.is_field)
    return bool(roles & readers)


def can_handle_queue(roles: set[str], queue) -> bool:
    _, handlers = current_profile().queue_access(queue.code, queue.is_field)
    return bool(roles & handlers)


def is_active_field_officer(user) -> bool:
    """Whom a report can be assigned to and who can be an area's vaste boa: a field worker whose account is on."""
    return user.active and user.has_role(BOA)


def is_field_report(report) -> bool:
    """A report of the field team's kind of work: in a field queue and not restricted (open or not)."""
    return report.queue.is_field and not report.category.restricted


def can_see_in_field_mode(user, report) -> bool:
    """The one rule for field mode: the report page, its photos and the field actions. Open field reports of the
    user's own team's queue only (a boa never sees the straatcoaches' reports, nor the other way round)."""
    if not (user.has_role(BOA) and is_field_report(report) and report.state in OPEN_STATES):
        return False
    team = field_team_of(user)
    return team is not None and report.queue.code == team.queue


def is_team_report(user, report) -> bool:
    """A field report of this field worker's team, open or not."""
    team = field_team_of(user)
    return is_field_report(report) and team is not None and report.queue.code == team.queue


def can_read_report(user, report) -> bool:
    if report.category.restricted and not user.sees_restricted:
        return False
    return can_read_queue(user.role_set, report.queue)


def can_see_photos_of(user, report) -> bool:
    """Who may see a report's photos: whoever reads it at the desk, or a field worker while field mode shows it
    (an open field report). One rule for the photo route, the desk's report page and field mode's."""
    at_the_desk = bool(user.role_set & REPORT_ROLES) and can_read_report(user, report)
    return at_the_desk or can_see_in_field_mode(user, report)
