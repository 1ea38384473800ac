"""审批: approval steps, the paused clock (特别程序), extensions (延期) and recomputed deadlines."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import RuleBroken
from apps.workdays.days import local_date

from .. import clock, law, states
from ..messages import tell_assignee
from ..models import Application, Extension, Flag, Status, Step, StepStatus, Suspension
from .common import lock_for_action, save_transition

STEP_CLOCK_FIELDS = ["due_date", "warning_at", "due_at"]
APPLICATION_CLOCK_FIELDS = ["due_date", "legal_due_date", "warning_at", "due_at"]


def start_step(step: Step, *, version, now: datetime, started_on: date | None = None) -> None:
    step.status, step.started_at = StepStatus.ACTIVE, now
    step.started_on = started_on or local_date(now)
    clock.set_step_due_date(step, version)
    clock.reflag(step, now)
    step.save(update_fields=["status", "started_at", "started_on", "flag", "flagged_at", *STEP_CLOCK_FIELDS])


def record_decision(application: Application, *, now: datetime) -> None:
    """准予/不予许可: the decision closes the clock; its flag says whether it came in time."""
    application.decided_at = now
    application.flag = Flag.OVERDUE if application.due_at and now >= application.due_at else Flag.NORMAL
    application.delivery_due_at = clock.delivery_due_at(now)


def _active_step(application: Application, step_id: int) -> Step:
    step = Step.objects.select_for_update().filter(application=application, pk=step_id).first()
    if step is None:
        raise states.TransitionNotAllowed(_("This step does not belong to this application."), code="no_such_step")
    if step.status != StepStatus.ACTIVE:
        raise states.TransitionNotAllowed(
            _("This step is %(status)s, not in progress: someone may have acted on it a moment ago.")
            % {"status": StepStatus(step.status).label}, code="step_not_active")
    return step


def assign_step(*, application_id: int, step_id: int, actor, assignee, now: datetime) -> Step:
    """分派: give an open step to one person of its department, or back to the department (assignee None)."""
    with transaction.atomic():
        application = lock_for_action(application_id, "assign_step")
        step = Step.objects.select_for_update().filter(application=application, pk=step_id).first()
        if step is None or step.status not in {StepStatus.PENDING, StepStatus.ACTIVE}:
            raise states.TransitionNotAllowed(_("Only a step not done yet can be assigned."), code="step_done")
        if assignee is not None and not assignee.handles_steps_of(step.department_id):
            raise RuleBroken({"assignee": _("Assign the step to an approver or manager of %(department)s.")
                              % {"department": step.department.name}})
        step.assignee = assignee
        step.save(update_fields=["assignee"])
        save_transition(application, actor=actor, now=now,
                        payload={"step": step.order, "assignee": assignee.pk if assignee else None})
        if assignee is not None and assignee != actor:
            tell_assignee(application, step, assignee)
    return step


def approve_step(*, application_id: int, step_id: int, actor, comment: str, now: datetime) -> Application:
    """通过: the next step starts; after the last one the application is approved (准予许可)."""
    with transaction.atomic():
        application = lock_for_action(application_id, "approve_step")
        step = _active_step(application, step_id)
        step.status, step.finished_at, step.finished_by, step.comment = StepStatus.APPROVED, now, actor, comment
        step.save(update_fields=["status", "finished_at", "finished_by", "comment"])
        following = application.steps.filter(status=StepStatus.PENDING).order_by("order").first()
        if following is not None:
            start_step(following, version=application.item_version, now=now)
        else:
            states.decide(application)
            record_decision(application, now=now)
        save_transition(application, actor=actor, now=now,
                        payload={"step": step.order, "name": step.name, "comment": comment,
                                 "next_step": following.order if following else None})
    return application


def deny_step(*, application_id: int, step_id: int, actor, reason: str, now: datetime) -> Application:
    """不予许可 (art. 38): reasons are stated, with the right to reconsideration or litigation."""
    if not reason.strip():
        raise RuleBroken({"reason": _("Say why the application is denied.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "deny_step")
        step = _active_step(application, step_id)
        step.status, step.finished_at, step.finished_by, step.comment = StepStatus.DENIED, now, actor, reason
        step.save(update_fields=["status", "finished_at", "finished_by", "comment"])
        application.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
        application.decision_reason = reason
        record_decision(application, now=now)
        save_transition(application, actor=actor, now=now,
                        payload={"step": step.order, "name": step.name, "reason": reason})
    return application


def suspend_application(*, application_id: int, actor, kind: str, reason: str, now: datetime) -> Suspension:
    """特别程序: pause the clock of the application and its current step (art. 45)."""
    if not reason.strip():
        raise RuleBroken({"reason": _("Say why the clock is paused.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "suspend")
        current = application.steps.filter(status=StepStatus.ACTIVE).first()
        suspension = Suspension.objects.create(application=application, step=current, kind=kind, reason=reason,
                                               started_at=now, started_by=actor)
        application.steps.filter(status=StepStatus.ACTIVE).update(suspended=True)
        application.suspended = True
        save_transition(application, actor=actor, now=now, payload={"kind": kind, "reason": reason})
    return suspension


def resume_application(*, application_id: int, actor, now: datetime) -> Application:
    """Resume the clock: every due date moves by the working days paused."""
    with transaction.atomic():
        application = lock_for_action(application_id, "resume")
        suspension = application.suspensions.select_for_update().get(ended_at__isnull=True)
        paused = clock.paused_workdays(suspension.started_at, now)
        suspension.ended_at, suspension.ended_by, suspension.paused_workdays = now, actor, paused
        suspension.save(update_fields=["ended_at", "ended_by", "paused_workdays"])
        application.suspended = False
        application.paused_workdays += paused
        clock.set_application_due_dates(application)
        clock.reflag(application, now)
        if suspension.step_id:
            step = Step.objects.select_for_update().get(pk=suspension.step_id)
            step.paused_workdays += paused
            step.suspended = False
            clock.set_step_due_date(step, application.item_version)
            clock.reflag(step, now)
            step.save(update_fields=["paused_workdays", "suspended", "flag", "flagged_at", *STEP_CLOCK_FIELDS])
        save_transition(application, actor=actor, now=now,
                        payload={"paused_workdays": paused, "due_date": application.due_date})
    return application


def extend_application(*, application_id: int, actor, days: int, reason: str, now: datetime) -> Extension:
    """延期 (art. 42): approved by a manager, once, with a reason the applicant is told."""
    errors = {}
    if not 1 <= days <= law.MAX_EXTENSION_WORKDAYS:
        errors["days"] = _("An extension is between 1 and %(max)s working days.") % {"max": law.MAX_EXTENSION_WORKDAYS}
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed; the applicant is told.")
    if errors:
        raise RuleBroken(errors)
    with transaction.atomic():
        application = lock_for_action(application_id, "extend")
        if application.extensions.count() >= law.EXTENSIONS_ALLOWED:
            raise states.TransitionNotAllowed(_("The time limit of this application was already extended once."),
                                              code="already_extended")
        extension = Extension.objects.create(application=application, days=days, reason=reason,
                                             approved_by=actor, created_at=now)
        application.extension_days += days
        clock.set_application_due_dates(application)
        clock.reflag(application, now)
        save_transition(application, actor=actor, now=now,
                        payload={"days": days, "reason": reason, "due_date": application.due_date})
    return extension


def cancel_open_work(application: Application, *, actor, now: datetime) -> None:
    """End the open pause and cancel the steps not done: used when an application is withdrawn."""
    application.suspensions.filter(ended_at__isnull=True).update(ended_at=now, ended_by=actor)
    application.steps.filter(status__in=[StepStatus.PENDING, StepStatus.ACTIVE]).update(
        status=StepStatus.CANCELLED, finished_at=now, suspended=False)


def refresh_deadlines(*, since: date) -> int:
    """Recompute open due dates on or after `since` (the calendar of those years changed).

    Due dates are derived from stored facts, so this only repeats the arithmetic; no
    event is recorded because nothing about the case itself changed.
    """
    changed, now = 0, timezone.now()
    applications = (Application.objects.filter(status=Status.ACCEPTED, legal_due_date__gte=since)
                    .select_related("item_version"))
    for application in applications.iterator(chunk_size=500):
        before = [getattr(application, f) for f in APPLICATION_CLOCK_FIELDS]
        clock.set_application_due_dates(application)
        if [getattr(application, f) for f in APPLICATION_CLOCK_FIELDS] != before:
            clock.reflag(application, now)
            Application.objects.filter(pk=application.pk).update(
                flag=application.flag, flagged_at=None,
                **{f: getattr(application, f) for f in APPLICATION_CLOCK_FIELDS})
            changed += 1
    steps = (Step.objects.filter(status=StepStatus.ACTIVE, due_date__gte=since)
             .select_related("application__item_version"))
    for step in steps.iterator(chunk_size=500):
        before = [getattr(step, f) for f in STEP_CLOCK_FIELDS]
        clock.set_step_due_date(step, step.application.item_version)
        if [getattr(step, f) for f in STEP_CLOCK_FIELDS] != before:
            clock.reflag(step, now)
            Step.objects.filter(pk=step.pk).update(flag=step.flag, flagged_at=None,
                                                   **{f: getattr(step, f) for f in STEP_CLOCK_FIELDS})
            changed += 1
    return changed
