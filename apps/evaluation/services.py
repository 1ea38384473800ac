"""Rating an application, and opening the rectification a bad rating calls for."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.applications import law
from apps.applications import services as application_services
from apps.core.errors import Conflict, NotFound, RuleBroken
from apps.notifications.services import notify
from apps.workdays.calendar import add_workdays
from apps.workdays.days import end_of, local_date, start_of

from .models import BAD_SCORES, Rating, Rectification


def rate_application(*, application_id: int, rater, score: int, comment: str, now: datetime) -> Rating:
    """One rating per application, after delivery, denial or refusal; a bad one opens a rectification."""
    if score in BAD_SCORES and not comment.strip():
        raise RuleBroken({"comment": _("Say what went wrong: a bad rating needs a reason.")})
    with transaction.atomic():
        application = application_services.lock_for_action(application_id, "rate")
        if Rating.objects.filter(application=application).exists():
            raise Conflict(_("This application was already rated."), code="already_rated")
        rating = Rating.objects.create(application=application, rater=rater, score=score, comment=comment,
                                       created_at=now)
        payload = {"score": score}
        if rating.is_bad:
            due = add_workdays(local_date(now), law.RECTIFICATION_WORKDAYS)
            rectification = Rectification.objects.create(
                rating=rating, department_id=application.department_id, due_date=due,
                warning_at=start_of(due), due_at=end_of(due))
            payload["rectification_due"] = rectification.due_date
        application_services.save_transition(application, actor=rater, now=now, payload=payload)
    return rating


def tell_rater(application, rectification: Rectification) -> None:
    """回访: the applicant who rated badly hears what the department did."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your rating was followed up: %(no)s") % {"no": application.tracking_number}
        body = _("%(department)s answered your rating of %(no)s: %(answer)s") % {
            "department": rectification.department.name, "no": application.tracking_number,
            "answer": rectification.answer}
    notify(users=[rectification.rating.rater], topic="rectification_answered", subject=subject, body=body,
           sms=True, dedupe_key=f"rectification:{rectification.pk}:answered")


def _lock_rectification(rectification_id: int, action: str) -> tuple:
    """The rectification's application locked for `action` (the event chain's lock), then the rectification."""
    application_id = (Rectification.objects.filter(pk=rectification_id)
                      .values_list("rating__application_id", flat=True).first())
    if application_id is None:
        raise NotFound(_("No such rectification."))
    application = application_services.lock_for_action(application_id, action)
    return application, Rectification.objects.select_for_update().select_related("rating").get(pk=rectification_id)


def answer_rectification(*, rectification_id: int, actor, answer: str, now: datetime) -> Rectification:
    """整改反馈: the department says what it verified and changed; the rater is told."""
    if not answer.strip():
        raise RuleBroken({"answer": _("Say what was verified and what was put right.")})
    with transaction.atomic():
        application, rectification = _lock_rectification(rectification_id, "answer_rectification")
        if rectification.status != Rectification.Status.OPEN:
            raise Conflict(_("This rectification was already answered."), code="already_answered")
        rectification.status, rectification.answer = Rectification.Status.ANSWERED, answer
        rectification.answered_at, rectification.answered_by = now, actor
        rectification.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        application_services.save_transition(
            application, actor=actor, now=now,
            payload={"rectification": rectification.pk, "late": now >= rectification.due_at})
        tell_rater(application, rectification)
    return rectification


def record_follow_up(*, rectification_id: int, rater, satisfied: bool, now: datetime) -> Rectification:
    """回访结果: the applicant who rated badly says, once, whether the department's answer satisfies them."""
    with transaction.atomic():
        application, rectification = _lock_rectification(rectification_id, "follow_up_rectification")
        if rectification.status != Rectification.Status.ANSWERED:
            raise Conflict(_("The department has not answered yet."), code="not_answered")
        if rectification.followed_up_at is not None:
            raise Conflict(_("You already said whether the answer satisfies you."), code="already_followed_up")
        rectification.applicant_satisfied, rectification.followed_up_at = satisfied, now
        rectification.save(update_fields=["applicant_satisfied", "followed_up_at"])
        application_services.save_transition(application, actor=rater, now=now,
                                             payload={"rectification": rectification.pk, "satisfied": satisfied})
    return rectification
