"""Rating an application, and opening the rectification a bad rating calls for."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.applications import states
from apps.applications.audit import record_event
from apps.applications.clock import end_of, local_date, start_of
from apps.applications.services.common import lock
from apps.workdays.calendar import add_workdays

from .models import Rating, Rectification

# Days the department has to answer a bad rating (整改时限); local practice ranges from 5 to 15.
RECTIFICATION_WORKDAYS = 5


def rate_application(*, application_id: int, rater, score: int, comment: str, now: datetime) -> Rating:
    """One rating per application, after delivery, denial or refusal; a bad one opens a rectification."""
    with transaction.atomic():
        application = lock(application_id, "rate")
        if Rating.objects.filter(application=application).exists():
            raise states.TransitionNotAllowed(_("This application was already rated."), code="already_rated")
        rating = Rating.objects.create(application=application, rater=rater, score=score, comment=comment,
                                       created_at=now)
        payload = {"score": score}
        if rating.is_bad:
            due = add_workdays(local_date(now), RECTIFICATION_WORKDAYS)
            rectification = Rectification.objects.create(
                rating=rating, department_id=application.department_id, due_date=due,
                warning_at=start_of(due), due_at=end_of(due))
            payload["rectification_due"] = rectification.due_date
        record_event(application, actor=rater, action="rated", now=now, from_status=application.status,
                     payload=payload)
    return rating
