"""收件与受理: submission, materials, acceptance, refusal, correction, deemed acceptance, withdrawal."""

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.catalog.models import ServiceItem
from apps.catalog.services import use_current_version
from apps.core.errors import RuleBroken
from apps.workdays.calendar import add_workdays
from apps.workdays.days import local_date, start_of

from .. import clock, law, states, uploads
from ..audit import record_event
from ..completeness import require_complete_materials
from ..messages import remind_applicant
from ..models import (
    Application,
    Channel,
    CorrectionNotice,
    DeliveryMethod,
    Status,
    Step,
    StepStatus,
    UploadedMaterial,
    VisitPurpose,
)
from ..tracking import next_tracking_number
from .common import lock_for_action, save_transition
from .results import record_window_visit
from .review import cancel_open_work, record_decision, start_step

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Foreign keys set from rows just read, and the tracking number's uniqueness and the check constraints, are left
# to the database on insert: checking each first costs a query (and a savepoint) per submission.
CHECKED_BY_DATABASE = ["applicant", "created_by", "item_version", "service_item", "department", "hall", "window"]


def _applicant_fields(actor, channel: str, applicant: dict | None) -> dict:
    """Who applies: the account signed in (online), or the person or enterprise a clerk names at a window."""
    if actor.role == Role.CITIZEN:
        if channel != Channel.ONLINE:
            raise RuleBroken({"channel": _("Citizens apply online; a window application is taken in by a "
                                           "clerk.")})
        return _account_applicant(actor)
    if channel != Channel.WINDOW:
        raise RuleBroken({"channel": _("A clerk takes in applications at a window: use channel “window”.")})
    if not applicant:
        raise RuleBroken({"applicant": _("Give the applicant: a person's name, ID number and phone, or an "
                                             "enterprise's name, credit code, acting person and phone.")})
    if applicant.get("credit_code"):
        return _window_enterprise(applicant)
    id_number = applicant["id_number"].strip().upper()
    account = get_user_model().objects.filter(id_number=id_number, role=Role.CITIZEN).first()
    return {"applicant": account, "applicant_name": applicant["name"], "applicant_id_number": id_number,
            "applicant_phone": applicant["phone"]}


def _account_applicant(actor) -> dict:
    """An enterprise account applies in the enterprise's name, with its acting person; a person in their own."""
    if actor.is_enterprise:
        if not actor.name or not actor.agent_name:
            raise RuleBroken({"applicant": _("The enterprise's name or the name of the person acting for it is "
                                             "missing from its account.")})
        return {"applicant": actor, "applicant_name": actor.name, "applicant_credit_code": actor.credit_code,
                "agent_name": actor.agent_name, "agent_id_number": actor.agent_id_number,
                "applicant_phone": actor.phone}
    if not actor.id_number or not actor.name:
        raise RuleBroken({"applicant": _("Real-name details (name and ID number) are missing from your "
                                         "account.")})
    return {"applicant": actor, "applicant_name": actor.name, "applicant_id_number": actor.id_number,
            "applicant_phone": actor.phone}


def _window_enterprise(applicant: dict) -> dict:
    """法人 at a window: the enterprise's account, if it has one, sees the application in its portal."""
    credit_code = applicant["credit_code"].strip().upper()
    account = get_user_model().objects.filter(credit_code=credit_code, role=Role.CITIZEN).first()
    return {"applicant": account, "applicant_name": applicant["name"], "applicant_credit_code": credit_code,
            "agent_name": applicant["agent_name"], "agent_id_number": applicant["agent_id_number"].strip().upper(),
            "applicant_phone": applicant["phone"]}


def submit_application(*, actor, item: ServiceItem, channel: str, delivery_method: str, now: datetime,
                       form_data: dict | None = None, applicant: dict | None = None,
                       delivery_address: str = "") -> Application:
    """收件: a citizen online, or a clerk at a window on the applicant's behalf (which is a visit)."""
    fields = _applicant_fields(actor, channel, applicant)
    if delivery_method == DeliveryMethod.MAIL and not delivery_address.strip():
        raise RuleBroken({"delivery_address": _("A mail delivery needs an address.")})
    application = None
    try:
        with transaction.atomic():
            version = use_current_version(item=item)
            if channel == Channel.ONLINE and not version.online:
                raise RuleBroken({"service_item": _("This item cannot be applied for online; please apply at a "
                                                    "service hall window.")})
            hall = actor.hall if channel == Channel.WINDOW else None
            received_on = clock.receipt_date(now)
            application = Application(
                **fields, item_version=version, service_item=item, department_id=version.department_id,
                channel=channel, hall=hall, window=actor.window if hall else None, delivery_method=delivery_method,
                delivery_address=delivery_address, form_data=form_data or {}, created_by=actor,
                tracking_number=next_tracking_number(hall.code if hall else "WEB", now),
                verification_code="".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8)),
                submitted_at=now, received_on=received_on, intake_due_on=clock.intake_due(received_on))
            application.full_clean(exclude=CHECKED_BY_DATABASE, validate_unique=False, validate_constraints=False)
            application.save()
            record_event(application, actor=actor, action="submitted", now=now,
                         payload={"channel": channel, "item_version": version.number})
            if channel == Channel.WINDOW:
                record_window_visit(application, clerk=actor, purpose=VisitPurpose.SUBMIT, window=None, now=now)
    except IntegrityError:
        if application is None or application.pk is not None:
            raise
        # The database refused the row: answer with the field messages of the full model check (a 400).
        application.full_clean(exclude=["applicant", "created_by"])
        raise
    return application


def upload_material(*, application_id: int, actor, material_id: int, upload, now: datetime) -> UploadedMaterial:
    """A file for one of the item's materials; its type is read from its content, not its name."""
    checked = uploads.check(upload)
    with transaction.atomic():
        application = lock_for_action(application_id, "upload_material")
        material = application.item_version.materials.filter(pk=material_id).first()
        if material is None:
            raise RuleBroken({"material": _("This material is not one the service item asks for.")})
        stored = UploadedMaterial(application=application, material=material, original_name=checked.safe_name,
                                  content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                  uploaded_by=actor, uploaded_at=now)
        stored.file.save(checked.storage_name, upload, save=False)
        try:
            stored.save()
            save_transition(application, actor=actor, now=now,
                            payload={"material": material.pk, "name": material.name, "sha256": checked.sha256,
                                     "size": checked.size})
        except Exception:
            stored.file.delete(save=False)
            raise
    return stored


def accept_application(*, application_id: int, actor, now: datetime) -> Application:
    """受理: start the clock and the first approval step; an instant item (即办件) is decided at once."""
    with transaction.atomic():
        application = lock_for_action(application_id, "accept")
        require_complete_materials(application)
        _start_clock(application, actor=actor, now=now, accepted_on=local_date(now))
        if actor is not None and actor.role == Role.CLERK and application.hall_id is None:
            application.hall, application.window = actor.hall, actor.window
        save_transition(application, actor=actor, now=now, payload={"due_date": application.due_date})
    return application


def deem_accept_application(*, application_id: int, now: datetime) -> Application:
    """逾期视为受理: nobody decided within 5 working days, so it is accepted as of its receipt date."""
    with transaction.atomic():
        application = lock_for_action(application_id, "deem_accept")
        if application.intake_due_on >= local_date(now):
            raise states.TransitionNotAllowed(_("The %(days)s-working-day intake period has not ended yet.")
                                              % {"days": law.INTAKE_WORKDAYS}, code="intake_period_running")
        application.deemed_accepted = True
        _start_clock(application, actor=None, now=now, accepted_on=application.received_on)
        save_transition(application, actor=None, now=now,
                        payload={"reason": f"no decision to accept, refuse or correct within {law.INTAKE_WORKDAYS} "
                                           "working days of receipt (Administrative Licensing Law art. 32)",
                                 "received_on": application.received_on, "due_date": application.due_date})
    return application


def _start_clock(application: Application, *, actor, now: datetime, accepted_on) -> None:
    version = application.item_version
    application.accepted_at, application.accepted_on = now, accepted_on
    clock.set_application_due_dates(application)
    clock.reflag(application, now)
    steps = Step.objects.bulk_create(
        Step(application=application, order=template.order, name=template.name,
             department_id=template.department_id or version.department_id, role=template.role,
             allotted_days=template.allotted_days)
        for template in version.steps.all())
    if version.instant:
        # 即办件: decided on the spot by whoever accepted it.
        Step.objects.filter(application=application).update(
            status=StepStatus.APPROVED, started_at=now, started_on=accepted_on, due_date=accepted_on,
            finished_at=now, finished_by=actor)
        states.decide(application)
        record_decision(application, now=now)
    elif steps:
        start_step(steps[0], version=version, now=now, started_on=accepted_on)


def reject_application(*, application_id: int, actor, reason: str, now: datetime) -> Application:
    """不予受理, with the reasons and the right to reconsideration or litigation in the written notice."""
    if not reason.strip():
        raise RuleBroken({"reason": _("Say why the application is not accepted.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "reject")
        application.decision_reason, application.decided_at = reason, now
        if actor is not None and actor.hall_id and application.hall_id is None:
            application.hall = actor.hall
        save_transition(application, actor=actor, now=now, payload={"reason": reason})
    return application


def request_correction(*, application_id: int, actor, items: list[dict], note: str, now: datetime,
                       violation_reason: str = "") -> CorrectionNotice:
    """一次性告知补正: one notice listing every item to correct.

    A further notice breaks the one-time rule: it needs a reason and is recorded as a violation.
    """
    if not items:
        raise RuleBroken({"items": _("List every material to correct, each with its problem.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "request_correction")
        known = dict(application.item_version.materials.values_list("pk", "name"))
        unknown = [item["material"] for item in items if item["material"] not in known]
        if unknown:
            raise RuleBroken({"items": _("These materials are not asked for by this item: %(ids)s")
                              % {"ids": ", ".join(map(str, unknown))}})
        number = application.correction_notices.count() + 1
        if number > 1 and not violation_reason.strip():
            raise RuleBroken({"violation_reason": _(
                "A correction notice was already issued: everything to correct must be told at once. A further "
                "notice needs a reason and is recorded as a breach of the one-time-notice rule.")})
        notice = CorrectionNotice.objects.create(
            application=application, number=number, note=note, issued_by=actor, issued_at=now,
            remind_at=start_of(add_workdays(local_date(now), law.correction_reminder_workdays())),
            violation_reason=violation_reason if number > 1 else "",
            items=[{"material": item["material"], "name": known[item["material"]], "problem": item["problem"]}
                   for item in items])
        if actor is not None and actor.hall_id and application.hall_id is None:
            application.hall = actor.hall
        save_transition(application, actor=actor, now=now,
                        payload={"notice": number, "items": notice.items, "note": note,
                                 "violation": number > 1, "violation_reason": notice.violation_reason})
    return notice


def remind_corrections(*, now: datetime) -> int:
    """Remind, once, applicants whose corrections have not arrived by the notice's reminder day."""
    with transaction.atomic():
        due = (CorrectionNotice.objects.filter(answered_at__isnull=True, reminded_at__isnull=True, remind_at__lte=now,
                                               application__status=Status.CORRECTION_REQUESTED)
               .select_for_update(skip_locked=True, of=("self",)))
        ids = list(due.values_list("pk", flat=True))
        CorrectionNotice.objects.filter(pk__in=ids).update(reminded_at=now)
        for application in Application.objects.filter(correction_notices__pk__in=ids).select_related(
                "item_version", "applicant").distinct():
            remind_applicant(application)
    return len(ids)


def resubmit_application(*, application_id: int, actor, now: datetime) -> Application:
    """补正后重新提交: a new 5-working-day intake period starts on the day the corrections arrive."""
    with transaction.atomic():
        application = lock_for_action(application_id, "resubmit")
        application.correction_notices.filter(answered_at__isnull=True).update(answered_at=now)
        application.received_on = clock.receipt_date(now)
        application.intake_due_on = clock.intake_due(application.received_on)
        save_transition(application, actor=actor, now=now, payload={"received_on": application.received_on})
    return application


def withdraw_application(*, application_id: int, actor, now: datetime, reason: str = "") -> Application:
    """撤回: the applicant withdraws before a decision; open steps and pauses end."""
    with transaction.atomic():
        application = lock_for_action(application_id, "withdraw")
        cancel_open_work(application, actor=actor, now=now)
        application.suspended = False
        save_transition(application, actor=actor, now=now, payload={"reason": reason})
    return application
