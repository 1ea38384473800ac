"""The state machine of an application, in one table.

Nothing else decides which action the current state allows: services call
`require()` with the row locked, and a refusal becomes 409 at the API.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Status

# action -> the statuses it may start from
ALLOWED_FROM = {
    "accept": {Status.SUBMITTED},
    "deem_accept": {Status.SUBMITTED},
    "reject": {Status.SUBMITTED},
    "request_correction": {Status.SUBMITTED},
    "resubmit": {Status.CORRECTION_REQUESTED},
    "upload_material": {Status.SUBMITTED, Status.CORRECTION_REQUESTED},
    "assign_step": {Status.ACCEPTED},
    "approve_step": {Status.ACCEPTED},
    "deny_step": {Status.ACCEPTED},
    "suspend": {Status.ACCEPTED},
    "resume": {Status.ACCEPTED},
    "extend": {Status.ACCEPTED},
    "deliver": {Status.APPROVED, Status.DENIED},
    "withdraw": {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED},
    "rate": {Status.DELIVERED, Status.DENIED, Status.REJECTED},
    "answer_rectification": {Status.DELIVERED, Status.DENIED, Status.REJECTED},
    "record_visit": {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED, Status.APPROVED,
                     Status.DENIED, Status.REJECTED, Status.DELIVERED},
}

# What each action is called in a message to the user.
ACTION_LABELS = {
    "accept": gettext_lazy("accept"),
    "deem_accept": gettext_lazy("deem accepted"),
    "reject": gettext_lazy("refuse to accept"),
    "request_correction": gettext_lazy("request corrections"),
    "resubmit": gettext_lazy("resubmit after correction"),
    "upload_material": gettext_lazy("upload a material"),
    "assign_step": gettext_lazy("assign a step"),
    "approve_step": gettext_lazy("approve a step"),
    "deny_step": gettext_lazy("deny at a step"),
    "suspend": gettext_lazy("pause the clock"),
    "resume": gettext_lazy("resume the clock"),
    "extend": gettext_lazy("extend the time limit"),
    "deliver": gettext_lazy("deliver the result"),
    "withdraw": gettext_lazy("withdraw"),
    "rate": gettext_lazy("rate the service"),
    "answer_rectification": gettext_lazy("answer a rectification"),
    "record_visit": gettext_lazy("record a visit"),
}

# Actions that need the clock running (a paused application waits for `resume`).
NEEDS_RUNNING_CLOCK = {"approve_step", "deny_step", "suspend"}
NEEDS_PAUSED_CLOCK = {"resume"}



class TransitionNotAllowed(Exception):
    """The current state does not allow the action (409 at the API)."""

    def __init__(self, message: str, *, code: str = "transition_not_allowed"):
        super().__init__(message)
        self.message = message
        self.code = code


def can(application, action: str) -> bool:
    if application.status not in ALLOWED_FROM[action]:
        return False
    if action in NEEDS_RUNNING_CLOCK and application.suspended:
        return False
    return not (action in NEEDS_PAUSED_CLOCK and not application.suspended)


def require(application, action: str) -> None:
    if application.status not in ALLOWED_FROM[action]:
        raise TransitionNotAllowed(
            _("This application is %(status)s; “%(action)s” is not possible now.")
            % {"status": Status(application.status).label, "action": ACTION_LABELS[action]})
    if action in NEEDS_RUNNING_CLOCK and application.suspended:
        raise TransitionNotAllowed(_("The clock is paused for a special procedure; resume it first."),
                                   code="suspended")
    if action in NEEDS_PAUSED_CLOCK and not application.suspended:
        raise TransitionNotAllowed(_("The clock is not paused."), code="not_suspended")
