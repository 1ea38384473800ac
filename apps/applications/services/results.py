"""送达与跑动: handing over the result, and recording each time the applicant came in person."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog.models import Window

from ..audit import record_event
from ..models import Application, DeliveryMethod, Status, Visit, VisitPurpose
from .common import lock, save_transition


def record_window_visit(application: Application, *, clerk, purpose: str, window: Window | None,
                        now: datetime) -> Visit:
    window = window or clerk.window
    hall = window.hall if window else clerk.hall
    if hall is None:
        raise ValidationError({"window": _("A visit is recorded at a hall: you are not assigned to one.")})
    visit = Visit.objects.create(application=application, hall=hall, window=window, purpose=purpose, clerk=clerk,
                                 at=now)
    record_event(application, actor=clerk, action="visit_recorded", now=now, from_status=application.status,
                 payload={"purpose": purpose, "hall": hall.code, "window": window.number if window else None})
    return visit


def record_visit(*, application_id: int, clerk, purpose: str, now: datetime, window: Window | None = None) -> Visit:
    """跑动: the applicant came in person (to submit, correct, collect or ask)."""
    with transaction.atomic():
        application = lock(application_id, "record_visit")
        return record_window_visit(application, clerk=clerk, purpose=purpose, window=window, now=now)


def deliver_application(*, application_id: int, clerk, method: str, now: datetime,
                        reference: str = "") -> Application:
    """送达: by window (a collection visit), mail (with its waybill) or electronically."""
    if method == DeliveryMethod.MAIL and not reference.strip():
        raise ValidationError({"reference": _("Give the mail waybill number.")})
    with transaction.atomic():
        application = lock(application_id, "deliver")
        previous = application.status
        if method == DeliveryMethod.WINDOW:
            record_window_visit(application, clerk=clerk, purpose=VisitPurpose.COLLECT, window=None, now=now)
        application.status, application.delivered_at = Status.DELIVERED, now
        application.delivery_method, application.delivery_reference = method, reference
        save_transition(application, actor=clerk, action="delivered", now=now, from_status=previous,
                        fields=["status", "delivered_at", "delivery_method", "delivery_reference"],
                        payload={"method": method, "reference": reference}, tell="delivered")
    return application
