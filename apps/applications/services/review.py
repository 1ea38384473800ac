"""审批: approval steps, the paused clock (特别程序), extensions (延期) and recomputed deadlines."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import clock, states
from ..models import Application, Extension, Status, Step, StepStatus, Suspension
from .common import lock, save_transition

# 行政许可法 art. 42: the head of the agency may extend the limit once, by up to ten (joint handling: fifteen)
# working days.
MAX_EXTENSION_DAYS = 15


def start_step(step: Step, *, now: datetime, started_on: date | None = None) -> None:
    step.status, step.started_at = StepStatus.ACTIVE, now
    step.started_on = started_on or clock.local_date(now)
    clock.set_step_due_date(step)
    step.save(update_fields=["status", "started_at", "started_on", "due_date"])


def _active_step(application: Application, step_id: int) -> Step:
    step = Step.objects.select_for_update().filter(application=application, pk=step_id).first()
    if step is None:
        raise states.TransitionNotAllowed(_("This step does not belong to this application."), code="no_such_step")
    if step.status != StepStatus.ACTIVE:
        raise states.TransitionNotAllowed(
            _("This step is %(status)s, not in progress: someone may have acted on it a moment ago.")
            % {"status": StepStatus(step.status).label}, code="step_not_active")
    return step


def approve_step(*, application_id: int, step_id: int, actor, comment: str, now: datetime) -> Application:
    """通过: the next step starts; after the last one the application is approved (准予许可)."""
    with transaction.atomic():
        application = lock(application_id, "approve_step")
        step = _active_step(application, step_id)
        step.status, step.finished_at, step.finished_by, step.comment = StepStatus.APPROVED, now, actor, comment
        step.save(update_fields=["status", "finished_at", "finished_by", "comment"])
        following = application.steps.filter(status=StepStatus.PENDING).order_by("order").first()
        fields = []
        if following is not None:
            start_step(following, now=now)
        else:
            application.status, application.decided_at = Status.APPROVED, now
            fields = ["status", "decided_at"]
        save_transition(application, actor=actor, action="step_approved", now=now, from_status=Status.ACCEPTED,
                        fields=fields, payload={"step": step.order, "name": step.name, "comment": comment,
                                                "next_step": following.order if following else None})
    return application


def deny_step(*, application_id: int, step_id: int, actor, reason: str, now: datetime) -> Application:
    """不予许可 (art. 38): reasons are stated, with the right to reconsideration or litigation."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is denied.")})
    with transaction.atomic():
        application = lock(application_id, "deny_step")
        step = _active_step(application, step_id)
        step.status, step.finished_at, step.finished_by, step.comment = StepStatus.DENIED, now, actor, reason
        step.save(update_fields=["status", "finished_at", "finished_by", "comment"])
        application.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
        application.status, application.decided_at, application.decision_reason = Status.DENIED, now, reason
        save_transition(application, actor=actor, action="step_denied", now=now, from_status=Status.ACCEPTED,
                        fields=["status", "decided_at", "decision_reason"],
                        payload={"step": step.order, "name": step.name, "reason": reason})
    return application


def suspend_application(*, application_id: int, actor, kind: str, reason: str, now: datetime) -> Suspension:
    """特别程序: pause the clock of the application and its current step (art. 45)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the clock is paused.")})
    with transaction.atomic():
        application = lock(application_id, "suspend")
        current = application.steps.filter(status=StepStatus.ACTIVE).first()
        suspension = Suspension.objects.create(application=application, step=current, kind=kind, reason=reason,
                                               started_at=now, started_by=actor)
        application.suspended = True
        save_transition(application, actor=actor, action="suspended", now=now, from_status=Status.ACCEPTED,
                        fields=["suspended"], payload={"kind": kind, "reason": reason})
    return suspension


def resume_application(*, application_id: int, actor, now: datetime) -> Application:
    """Resume the clock: every due date moves by the working days paused."""
    with transaction.atomic():
        application = lock(application_id, "resume")
        suspension = application.suspensions.select_for_update().get(ended_at__isnull=True)
        paused = clock.paused_workdays(suspension.started_at, now)
        suspension.ended_at, suspension.ended_by, suspension.paused_workdays = now, actor, paused
        suspension.save(update_fields=["ended_at", "ended_by", "paused_workdays"])
        application.suspended = False
        application.paused_workdays += paused
        clock.set_application_due_dates(application)
        if suspension.step_id:
            step = Step.objects.select_for_update().get(pk=suspension.step_id)
            step.paused_workdays += paused
            clock.set_step_due_date(step)
            step.save(update_fields=["paused_workdays", "due_date"])
        save_transition(application, actor=actor, action="resumed", now=now, from_status=Status.ACCEPTED,
                        fields=["suspended", "paused_workdays", "due_date", "legal_due_date"],
                        payload={"paused_workdays": paused, "due_date": application.due_date})
    return application


def extend_application(*, application_id: int, actor, days: int, reason: str, now: datetime) -> Extension:
    """延期 (art. 42): approved by a manager, once, with a reason the applicant is told."""
    errors = {}
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = _("An extension is between 1 and %(max)s working days.") % {"max": MAX_EXTENSION_DAYS}
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed; the applicant is told.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = lock(application_id, "extend")
        if application.extensions.exists():
            raise states.TransitionNotAllowed(_("The time limit of this application was already extended once."),
                                              code="already_extended")
        extension = Extension.objects.create(application=application, days=days, reason=reason,
                                             approved_by=actor, created_at=now)
        application.extension_days += days
        clock.set_application_due_dates(application)
        save_transition(application, actor=actor, action="extended", now=now, from_status=Status.ACCEPTED,
                        fields=["extension_days", "due_date", "legal_due_date"],
                        payload={"days": days, "reason": reason, "due_date": application.due_date})
    return extension


def cancel_open_work(application: Application, *, actor, now: datetime) -> None:
    """End the open pause and cancel the steps not done: used when an application is withdrawn."""
    application.suspensions.filter(ended_at__isnull=True).update(ended_at=now, ended_by=actor)
    application.steps.filter(status__in=[StepStatus.PENDING, StepStatus.ACTIVE]).update(
        status=StepStatus.CANCELLED, finished_at=now)


def refresh_deadlines(*, since: date) -> int:
    """Recompute open due dates on or after `since` (the calendar of those years changed).

    Due dates are derived from stored facts, so this only repeats the arithmetic; no
    event is recorded because nothing about the case itself changed.
    """
    changed = 0
    applications = (Application.objects.filter(status=Status.ACCEPTED, legal_due_date__gte=since)
                    .select_related("item_version"))
    for application in applications.iterator(chunk_size=500):
        before = (application.due_date, application.legal_due_date)
        clock.set_application_due_dates(application)
        if (application.due_date, application.legal_due_date) != before:
            Application.objects.filter(pk=application.pk).update(
                due_date=application.due_date, legal_due_date=application.legal_due_date)
            changed += 1
    for step in Step.objects.filter(status=StepStatus.ACTIVE, due_date__gte=since).iterator(chunk_size=500):
        before = step.due_date
        clock.set_step_due_date(step)
        if step.due_date != before:
            Step.objects.filter(pk=step.pk).update(due_date=step.due_date)
            changed += 1
    return changed
