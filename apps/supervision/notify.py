"""Telling people about alerts: the step's assignee (a person, or the approvers of its department) and the
department's managers; the district managers when a department has none."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.notifications.services import notify

from .models import Alert, AlertKind, AlertLevel

BATCH = 500


def _recipients(alerts: list[Alert]) -> dict[int, list]:
    """Alert id → users, with one query for all the departments involved."""
    departments = {alert.department_id for alert in alerts}
    staff = list(get_user_model().objects.filter(
        Q(department_id__in=departments, role__in=[Role.APPROVER, Role.MANAGER]) | Q(role=Role.MANAGER,
                                                                                     department__isnull=True),
        is_active=True))
    district = [u for u in staff if u.is_district_manager]
    result = {}
    for alert in alerts:
        managers = [u for u in staff if u.role == Role.MANAGER and u.department_id == alert.department_id]
        people = managers or district
        if alert.kind == AlertKind.STEP:
            step = alert.step
            people = people + ([step.assignee] if step.assignee_id else
                               [u for u in staff if u.role == Role.APPROVER and u.department_id == step.department_id])
        result[alert.pk] = people
    return result


def _message(alert: Alert) -> tuple[str, str]:
    number = alert.application.tracking_number
    red = alert.level == AlertLevel.OVERDUE
    what = {
        AlertKind.STEP: _("step “%(step)s”") % {"step": alert.step.name if alert.step_id else ""},
        AlertKind.APPLICATION: _("the promised time limit"),
        AlertKind.DELIVERY: _("the delivery of the result"),
        AlertKind.RECTIFICATION: _("the rectification of a bad rating"),
    }[alert.kind]
    subject = (_("Overdue: %(no)s") if red else _("Due soon: %(no)s")) % {"no": number}
    due = timezone.localtime(alert.due_at).strftime("%Y-%m-%d %H:%M")
    body = (_("%(no)s: %(what)s is past its deadline (%(due)s).") if red else
            _("%(no)s: %(what)s is close to its deadline (%(due)s).")) % {"no": number, "what": what, "due": due}
    return subject, body


def notify_new_alerts(*, limit: int = 10 * BATCH) -> int:
    """Queue the notifications of alerts nobody was told about yet; safe to run twice at once."""
    done = 0
    while done < limit:
        with transaction.atomic():
            alerts = list(Alert.objects.select_for_update(skip_locked=True, of=("self",))
                          .filter(notified_at__isnull=True).select_related("application", "step")
                          .order_by("raised_at", "pk")[:BATCH])
            if not alerts:
                break
            people = _recipients(alerts)
            with translation.override(settings.LANGUAGE_CODE):
                for alert in alerts:
                    subject, body = _message(alert)
                    notify(users=people[alert.pk], topic=f"alert_{alert.level}", subject=subject, body=body,
                           dedupe_key=f"alert:{alert.pk}", link=f"/api/v1/applications/{alert.application_id}/")
            Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(notified_at=timezone.now())
            done += len(alerts)
    return done
