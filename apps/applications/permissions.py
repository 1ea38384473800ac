"""Who may do what to an application they can see (seeing is `selectors.visible_applications`).

Each rule is one named function, tested for every role in the permission matrix.
"""

from apps.accounts.models import Role

from .models import Application, Step, StepStatus


def _is_applicant(user, application: Application) -> bool:
    return user.role == Role.CITIZEN and application.applicant_id == user.pk


def window_takes(user, item) -> bool:
    """A dedicated window takes in only its listed items; a comprehensive one takes any."""
    window = user.window
    return window is None or window.handles(item)


def can_submit(user, item) -> bool:
    """A citizen for themself; a clerk at a window that takes this item."""
    return user.role == Role.CITIZEN or (user.role == Role.CLERK and window_takes(user, item))


def can_upload(user, application: Application) -> bool:
    return _is_applicant(user, application) or user.role == Role.CLERK


def can_take_in(user, application: Application) -> bool:
    """受理 / 不予受理 / 补正告知: a clerk whose window takes this item."""
    return user.role == Role.CLERK and window_takes(user, application.service_item)


def can_resubmit(user, application: Application) -> bool:
    return _is_applicant(user, application) or (user.role == Role.CLERK and application.applicant_id is None)


def can_act_on_step(user, application: Application, step: Step) -> bool:
    """The step's handler: its assignee, or else an approver of its department (the manager, for a manager's
    step)."""
    if step.assignee_id is not None:
        return step.assignee_id == user.pk
    return user.role == step.role and user.department_id == step.department_id


def can_assign_step(user, application: Application, step: Step, assignee) -> bool:
    """分派: a manager of the step's department (or of the district) assigns anyone; an approver takes an
    unassigned step of their department for themself, or gives it back."""
    if user.role == Role.MANAGER:
        return user.manages(step.department_id)
    if user.role == Role.APPROVER and user.department_id == step.department_id:
        return step.assignee_id in {None, user.pk} and (assignee is None or assignee.pk == user.pk)
    return False


def can_pause_clock(user, application: Application) -> bool:
    if user.role == Role.CLERK:
        return application.hall_id == user.hall_id
    if user.role == Role.APPROVER:
        current = next((s for s in application.steps.all() if s.status == StepStatus.ACTIVE), None)
        return user.department_id == (current.department_id if current else application.department_id)
    return False


def can_extend(user, application: Application) -> bool:
    return user.manages(application.department_id)


def can_deliver(user, application: Application) -> bool:
    return user.role == Role.CLERK


def can_withdraw(user, application: Application) -> bool:
    return _is_applicant(user, application)


def can_rate(user, application: Application) -> bool:
    return _is_applicant(user, application)


def can_record_visit(user, application: Application) -> bool:
    return user.role == Role.CLERK


def _active_step(application: Application):
    return next((s for s in application.steps.all() if s.status == StepStatus.ACTIVE), None)


def _can_act_on_active_step(user, application: Application) -> bool:
    step = _active_step(application)
    return step is not None and can_act_on_step(user, application, step)


def _can_assign_active_step(user, application: Application) -> bool:
    step = _active_step(application)
    return step is not None and can_assign_step(user, application, step, None)


# action of the state table -> the rule that says whether this person may take it.
# Actions without a rule here (deem_accept, answer_rectification) are never offered on an application.
RULES = {
    "accept": can_take_in,
    "reject": can_take_in,
    "request_correction": can_take_in,
    "resubmit": can_resubmit,
    "upload_material": can_upload,
    "assign_step": _can_assign_active_step,
    "approve_step": _can_act_on_active_step,
    "deny_step": _can_act_on_active_step,
    "suspend": can_pause_clock,
    "resume": can_pause_clock,
    "extend": can_extend,
    "deliver": can_deliver,
    "withdraw": can_withdraw,
    "rate": can_rate,
    "record_visit": can_record_visit,
}


def allowed_actions(user, application: Application) -> list[str]:
    """What this person may do to this application now: the state table and the permission rules together.

    The pages draw their buttons from this list, and the API refuses whatever is not in it.
    """
    from . import states

    return [action for action in states.TRANSITIONS
            if action in RULES and states.can(application, action) and RULES[action](user, application)]
