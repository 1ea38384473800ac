"""The state machine of an application, in one table.

For each action: the statuses it may start from, the status it leads to (None: the
status stays, as for assigning a step or recording a visit), the event it appends to
the audit chain and the message the applicant gets. Services start an action with
`begin()` on the locked row and finish it with `services.save_transition()`, which
reads the rest from here; nothing else sets an application's status.

To add an action: add a row here, give it a permission rule in `permissions.RULES`
if people take it from a page, and write its service between `lock_for_action()`
and `save_transition()`.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import Conflict

from .models import Status

# What an action needs of the clock besides the status.
RUNNING, PAUSED = "running", "paused"

OPEN = frozenset({Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED})
AT_INTAKE = frozenset({Status.SUBMITTED, Status.CORRECTION_REQUESTED})
DECIDED = frozenset({Status.APPROVED, Status.DENIED})
CLOSED = frozenset({Status.DELIVERED, Status.DENIED, Status.REJECTED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    to: str | None  # None: the action does not change the status
    event: str  # the action recorded in the audit chain
    label: Promise  # what the action is called in a message to the user
    tell: str | None = None  # the applicant's message (a key of `messages`), if any
    # The decision this action may reach on its own (an instant item accepted, the last step approved):
    # `decide()` moves there, and the applicant then gets the decision's message.
    decides: str | None = None
    clock: str | None = None  # RUNNING or PAUSED: the clock must be so as well


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({Status.SUBMITTED}), Status.ACCEPTED, "accepted", gettext_lazy("accept"),
                         tell="accepted", decides=Status.APPROVED),
    "deem_accept": Transition(frozenset({Status.SUBMITTED}), Status.ACCEPTED, "deemed_accepted",
                              gettext_lazy("deem accepted"), tell="deemed_accepted", decides=Status.APPROVED),
    "reject": Transition(frozenset({Status.SUBMITTED}), Status.REJECTED, "rejected",
                         gettext_lazy("refuse to accept"), tell="rejected"),
    "request_correction": Transition(frozenset({Status.SUBMITTED}), Status.CORRECTION_REQUESTED,
                                     "correction_requested", gettext_lazy("request corrections"),
                                     tell="correction_requested"),
    "resubmit": Transition(frozenset({Status.CORRECTION_REQUESTED}), Status.SUBMITTED, "resubmitted",
                           gettext_lazy("resubmit after correction")),
    "upload_material": Transition(AT_INTAKE, None, "material_uploaded", gettext_lazy("upload a material")),
    "receive_materials": Transition(AT_INTAKE, None, "materials_received",
                                    gettext_lazy("record materials received at the window")),
    "assign_step": Transition(frozenset({Status.ACCEPTED}), None, "step_assigned", gettext_lazy("assign a step")),
    "approve_step": Transition(frozenset({Status.ACCEPTED}), None, "step_approved", gettext_lazy("approve a step"),
                               decides=Status.APPROVED, clock=RUNNING),
    "deny_step": Transition(frozenset({Status.ACCEPTED}), Status.DENIED, "step_denied",
                            gettext_lazy("deny at a step"), tell="denied", clock=RUNNING),
    "suspend": Transition(frozenset({Status.ACCEPTED}), None, "suspended", gettext_lazy("pause the clock"),
                          clock=RUNNING),
    "resume": Transition(frozenset({Status.ACCEPTED}), None, "resumed", gettext_lazy("resume the clock"),
                         clock=PAUSED),
    "extend": Transition(frozenset({Status.ACCEPTED}), None, "extended", gettext_lazy("extend the time limit"),
                         tell="extended"),
    "deliver": Transition(DECIDED, Status.DELIVERED, "delivered", gettext_lazy("deliver the result"),
                          tell="delivered"),
    "withdraw": Transition(OPEN, Status.WITHDRAWN, "withdrawn", gettext_lazy("withdraw")),
    "rate": Transition(CLOSED, None, "rated", gettext_lazy("rate the service")),
    "answer_rectification": Transition(CLOSED, None, "rectification_answered",
                                       gettext_lazy("answer a rectification")),
    "follow_up_rectification": Transition(CLOSED, None, "rectification_followed_up",
                                          gettext_lazy("say whether the answer satisfies")),
    "record_visit": Transition(frozenset(Status.values) - {Status.WITHDRAWN}, None, "visit_recorded",
                               gettext_lazy("record a visit")),
}

# What the applicant is told when an action reaches a decision by itself.
DECISION_MESSAGES = {Status.APPROVED: "approved", Status.DENIED: "denied"}


class TransitionNotAllowed(Conflict):
    """The current state does not allow the action (409 at the API)."""

    default_code = "transition_not_allowed"


@dataclass
class Change:
    """An action under way on a locked application: where it started and what the row held then."""

    action: str
    from_status: str
    before: dict = field(repr=False)
    decided: bool = False

    @property
    def transition(self) -> Transition:
        return TRANSITIONS[self.action]


# The head of the audit chain is written by `audit.record_event` itself.
_NOT_TRACKED = {"id", "event_count", "last_event_hash"}


def _snapshot(application) -> dict:
    return {f.name: getattr(application, f.attname) for f in application._meta.concrete_fields
            if f.name not in _NOT_TRACKED}


def can(application, action: str) -> bool:
    try:
        require(application, action)
    except TransitionNotAllowed:
        return False
    return True


def require(application, action: str) -> None:
    transition = TRANSITIONS[action]
    if application.status not in transition.sources:
        raise TransitionNotAllowed(
            _("This application is %(status)s; “%(action)s” is not possible now.")
            % {"status": Status(application.status).label, "action": transition.label})
    if transition.clock == RUNNING and application.suspended:
        raise TransitionNotAllowed(_("The clock is paused for a special procedure; resume it first."),
                                   code="suspended")
    if transition.clock == PAUSED and not application.suspended:
        raise TransitionNotAllowed(_("The clock is not paused."), code="not_suspended")


def begin(application, action: str) -> Change:
    """Check the action against the table and move the status; the caller holds the row lock."""
    require(application, action)
    change = Change(action=action, from_status=application.status, before=_snapshot(application))
    application._change = change
    if change.transition.to is not None:
        application.status = change.transition.to
    return change


def decide(application) -> None:
    """The action under way reaches its decision (准予许可 after the last step, an instant item on acceptance)."""
    change: Change = application._change
    application.status = change.transition.decides
    change.decided = True


def finish(application) -> tuple[Change, list[str], str | None]:
    """The action under way, the fields it changed and the applicant's message."""
    change: Change = application._change
    del application._change
    after = _snapshot(application)
    fields = [name for name, value in after.items() if change.before[name] != value]
    tell = DECISION_MESSAGES[application.status] if change.decided else change.transition.tell
    return change, fields, tell
