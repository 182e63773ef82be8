"""What the desk tells a staff member after an action: which report, what happened, in their language."""

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from meldpunt.profiles import PARTNER_LABELS
from meldpunt.reports.bulk_actions import BulkResult

BULK_ACTION_LABELS = {
    "take": _l("Take in handling"),
    "assign": _l("Assign to a field officer"),
    "reroute": _l("Move to another queue"),
    "close": _l("Close with a template"),
}

# The history's events, as staff read them (StateChange.event).
HISTORY_EVENT_LABELS = {
    "created": _l("received"),
    "state": _l("state changed"),
    "assign": _l("assigned"),
    "claim": _l("claimed by a field officer"),
    "hand_back": _l("handed back by the field officer"),
    "reroute": _l("moved to another queue"),
    "merge": _l("merged"),
    "on_site": _l("on site"),
    "plan": _l("planned"),
    "forward": _l("forwarded"),
    "close": _l("closed"),
    "reopen": _l("reopened"),
    "cancel": _l("cancelled"),
    "withdrawn": _l("withdrawn by the reporter"),
}


def action_done_message(name: str, report) -> str:
    ref = report.reference
    if name == "take":
        return _("%(ref)s is now in handling.", ref=ref)
    if name == "assign":
        return _("%(ref)s is assigned to %(name)s.", ref=ref, name=report.assigned_to.name)
    if name == "reroute":
        return _("%(ref)s moved to %(queue)s.", ref=ref, queue=report.queue.name(str(get_locale() or "nl")))
    if name == "merge":
        return _("%(ref)s is merged into %(original)s.", ref=ref, original=report.merged_into.reference)
    if name == "plan":
        return _("%(ref)s is planned.", ref=ref)
    if name == "forward":
        partner = report.forwarded_to
        return _("%(ref)s forwarded to %(partner)s.", ref=ref, partner=str(PARTNER_LABELS.get(partner, partner)))
    if name == "close":
        return _("%(ref)s is closed; the reporter gets your message.", ref=ref)
    if name == "cancel":
        return _("%(ref)s is cancelled.", ref=ref)
    if name == "reopen":
        return _("%(ref)s is reopened.", ref=ref)
    return _("Saved.")


def bulk_summary(result: BulkResult) -> str:
    n = len(result.done)
    done = {
        "take": ngettext("%(num)d report taken in handling.", "%(num)d reports taken in handling.", n),
        "assign": ngettext("%(num)d report assigned.", "%(num)d reports assigned.", n),
        "reroute": ngettext("%(num)d report moved.", "%(num)d reports moved.", n),
        "close": ngettext("%(num)d report closed.", "%(num)d reports closed.", n),
    }[result.action]
    parts = [done]
    if result.refused:
        refused = "; ".join(f"{ref}: {reason}" for ref, reason in result.refused)
        parts.append(_("Refused: %(list)s.", list=refused))
    if result.unseen:
        parts.append(
            ngettext("%(num)d selected report is no longer in a queue you can read.",
                     "%(num)d selected reports are no longer in a queue you can read.", result.unseen)
        )  # fmt: skip
    return " ".join(parts)
