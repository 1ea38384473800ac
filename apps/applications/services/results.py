"""送达与跑动: handing over the result, and recording each time the applicant came in person."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog.models import Window
from apps.core.errors import RuleBroken

from .. import states
from ..audit import record_event
from ..models import Application, DeliveryMethod, Visit, VisitPurpose
from .common import lock_for_action, save_transition


def _new_visit(application: Application, *, clerk, purpose: str, window: Window | None,
               now: datetime) -> tuple[Visit, dict]:
    """The visit and what its event says."""
    window = window or clerk.window
    hall = window.hall if window else clerk.hall
    if hall is None:
        raise RuleBroken({"window": _("A visit is recorded at a hall: you are not assigned to one.")})
    visit = Visit.objects.create(application=application, hall=hall, window=window, purpose=purpose, clerk=clerk,
                                 at=now)
    return visit, {"purpose": purpose, "hall": hall.code, "window": window.number if window else None}


def record_window_visit(application: Application, *, clerk, purpose: str, window: Window | None,
                        now: datetime) -> Visit:
    """A visit that comes with another action (a window submission, a collection at delivery)."""
    visit, payload = _new_visit(application, clerk=clerk, purpose=purpose, window=window, now=now)
    record_event(application, actor=clerk, action=states.TRANSITIONS["record_visit"].event, now=now,
                 from_status=application.status, payload=payload)
    return visit


def record_visit(*, application_id: int, clerk, purpose: str, now: datetime, window: Window | None = None) -> Visit:
    """跑动: the applicant came in person (to submit, correct, collect or ask)."""
    with transaction.atomic():
        application = lock_for_action(application_id, "record_visit")
        visit, payload = _new_visit(application, clerk=clerk, purpose=purpose, window=window, now=now)
        save_transition(application, actor=clerk, now=now, payload=payload)
    return visit


def deliver_application(*, application_id: int, clerk, method: str, now: datetime,
                        reference: str = "") -> Application:
    """送达: by window (a collection visit), mail (with its waybill) or electronically.

    A case no clerk took in (deemed accepted) belongs from now on to the hall that handed the result over, like a
    case refused or accepted at a window: a delivered case is seen by the clerks of its hall only.
    """
    if method == DeliveryMethod.MAIL and not reference.strip():
        raise RuleBroken({"reference": _("Give the mail waybill number.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "deliver")
        application.delivered_at = now
        application.delivery_method, application.delivery_reference = method, reference
        if clerk.hall_id and application.hall_id is None:
            application.hall = clerk.hall
        save_transition(application, actor=clerk, now=now, payload={"method": method, "reference": reference})
        if method == DeliveryMethod.WINDOW:
            record_window_visit(application, clerk=clerk, purpose=VisitPurpose.COLLECT, window=None, now=now)
    return application
