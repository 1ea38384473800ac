"""The state machine of an application, in one table.

Nothing else decides which action the current state allows: services call
`require()` with the row locked, and a refusal becomes 409 at the API.
"""

from django.utils.translation import gettext as _

from .models import Status

# action -> the statuses it may start from
ALLOWED_FROM = {
    "accept": {Status.SUBMITTED},
    "deem_accept": {Status.SUBMITTED},
    "reject": {Status.SUBMITTED},
    "request_correction": {Status.SUBMITTED},
    "resubmit": {Status.CORRECTION_REQUESTED},
    "upload_material": {Status.SUBMITTED, Status.CORRECTION_REQUESTED},
    "approve_step": {Status.ACCEPTED},
    "deny_step": {Status.ACCEPTED},
    "suspend": {Status.ACCEPTED},
    "resume": {Status.ACCEPTED},
    "extend": {Status.ACCEPTED},
    "deliver": {Status.APPROVED, Status.DENIED},
    "withdraw": {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED},
    "rate": {Status.DELIVERED, Status.DENIED, Status.REJECTED},
    "record_visit": {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED, Status.APPROVED,
                     Status.DENIED, Status.REJECTED, Status.DELIVERED},
}

# Actions that need the clock running (a paused application waits for `resume`).
NEEDS_RUNNING_CLOCK = {"approve_step", "deny_step", "suspend"}
NEEDS_PAUSED_CLOCK = {"resume"}

OPEN = {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED}
DECIDED = {Status.APPROVED, Status.DENIED}


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
            % {"status": Status(application.status).label, "action": action.replace("_", " ")})
    if action in NEEDS_RUNNING_CLOCK and application.suspended:
        raise TransitionNotAllowed(_("The clock is paused for a special procedure; resume it first."),
                                   code="suspended")
    if action in NEEDS_PAUSED_CLOCK and not application.suspended:
        raise TransitionNotAllowed(_("The clock is not paused."), code="not_suspended")


def allowed_actions(application) -> list[str]:
    return [action for action in ALLOWED_FROM if can(application, action)]
