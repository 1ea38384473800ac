"""Plain words for what happened to an application (the timeline a clerk reads aloud to an applicant)."""

from django.utils.translation import gettext_lazy as _

EVENT_WORDS = {
    "submitted": _("Application received"),
    "material_uploaded": _("Material uploaded"),
    "materials_received": _("Paper materials received at the window"),
    "accepted": _("Accepted: the clock started"),
    "deemed_accepted": _("Deemed accepted: no decision within 5 working days"),
    "rejected": _("Not accepted"),
    "correction_requested": _("One-time correction notice issued"),
    "resubmitted": _("Corrections received: resubmitted"),
    "step_assigned": _("Step assigned"),
    "step_approved": _("Step approved"),
    "step_denied": _("Step denied"),
    "suspended": _("Clock paused for a special procedure"),
    "resumed": _("Clock resumed"),
    "extended": _("Time limit extended"),
    "visit_recorded": _("Visit recorded"),
    "delivered": _("Result delivered"),
    "withdrawn": _("Withdrawn by the applicant"),
}


def event_words(action: str) -> str:
    return EVENT_WORDS.get(action, action.replace("_", " "))
