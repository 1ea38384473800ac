"""What the applicant is told when their application changes (受理、补正、决定、送达、延期)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from apps.notifications.services import notify

from .models import Application


def _text(application: Application, action: str) -> tuple[str, str]:
    item, number = application.item_version.name, application.tracking_number
    subjects = {
        "accepted": _("Your application was accepted"),
        "deemed_accepted": _("Your application was accepted"),
        "correction_requested": _("Please correct your application"),
        "rejected": _("Your application was not accepted"),
        "approved": _("Your application was approved"),
        "denied": _("Your application was not granted"),
        "delivered": _("Your result was delivered"),
        "extended": _("The time limit of your application was extended"),
        "correction_reminder": _("Reminder: your corrections have not arrived"),
    }
    bodies = {
        "accepted": _("%(item)s (%(no)s) was accepted; the decision is due by %(due)s."),
        "deemed_accepted": _("%(item)s (%(no)s) counts as accepted from the day it was received; the decision is "
                             "due by %(due)s."),
        "correction_requested": _("%(item)s (%(no)s): the correction notice lists everything to correct at once."),
        "rejected": _("%(item)s (%(no)s) was not accepted. Reason: %(reason)s"),
        "approved": _("%(item)s (%(no)s) was approved; the result will be delivered as you chose."),
        "denied": _("%(item)s (%(no)s) was not granted. You may apply for administrative reconsideration or "
                    "bring a lawsuit. Reason: %(reason)s"),
        "delivered": _("The result of %(item)s (%(no)s) was delivered."),
        "extended": _("%(item)s (%(no)s): the decision is now due by %(due)s (%(reason)s)."),
        "correction_reminder": _("%(item)s (%(no)s) is waiting for the corrections listed in the notice; bring or "
                                 "upload them to continue."),
    }
    context = {"item": item, "no": number, "due": application.due_date, "reason": application.decision_reason}
    if action == "extended":
        context["reason"] = application.extensions.last().reason
    return subjects[action], bodies[action] % context


def tell_assignee(application: Application, step, assignee) -> None:
    """分派: the person a step was given to hears of it in the app."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A step was assigned to you: %(no)s") % {"no": application.tracking_number}
        body = _("%(item)s (%(no)s), step “%(step)s”, due by %(due)s.") % {
            "item": application.item_version.name, "no": application.tracking_number, "step": step.name,
            "due": step.due_date or "—"}
    notify(users=[assignee], topic="step_assigned", subject=subject, body=body,
           dedupe_key=f"application:{application.pk}:{application.event_count}:assigned",
           link=f"/api/v1/applications/{application.pk}/")


def remind_applicant(application: Application) -> None:
    """The one reminder of an open correction notice (sent by the supervision job)."""
    tell_applicant(application, "correction_reminder")


def tell_applicant(application: Application, action: str) -> None:
    """Queue the message in the current transaction; it is sent after commit, never inside the request."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _text(application, action)
    notify(users=[application.applicant] if application.applicant_id else [],
           phones=[] if application.applicant_id else [application.applicant_phone],
           topic=action, subject=subject, body=body, sms=True,
           dedupe_key=f"application:{application.pk}:{application.event_count}:{action}",
           link=f"/api/v1/applications/{application.pk}/")
