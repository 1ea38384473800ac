"""The whole-database audit check: started by a manager, run by a Celery worker, polled by a page."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from apps.applications.audit import verify_chain
from apps.applications.models import Application, Event

from .models import AuditCheck

CHUNK = 500


def start_audit_check(*, actor, now) -> tuple[AuditCheck, bool]:
    """Queue a check, or return the one already queued or running (one at a time is enough)."""
    from .tasks import run_audit_check_task  # the task module imports this one

    with transaction.atomic():
        running = AuditCheck.objects.select_for_update().filter(
            status__in=[AuditCheck.Status.QUEUED, AuditCheck.Status.RUNNING]).first()
        if running:
            return running, False
        check = AuditCheck.objects.create(started_by=actor, created_at=now, total=Application.objects.count())
        transaction.on_commit(lambda: run_audit_check_task.delay(check.pk))
    return check, True


def run_audit_check(*, check_id: int, chunk_size: int = CHUNK) -> AuditCheck:
    """Verify every application's chain in chunks of `chunk_size`, saving the progress after each chunk."""
    check = AuditCheck.objects.get(pk=check_id)
    if check.status not in (AuditCheck.Status.QUEUED, AuditCheck.Status.RUNNING):
        return check
    check.status, check.checked, check.broken = AuditCheck.Status.RUNNING, 0, []
    check.total = Application.objects.count()
    check.save(update_fields=["status", "checked", "broken", "total"])
    try:
        last_pk = 0
        while chunk := list(Application.objects.filter(pk__gt=last_pk).order_by("pk")
                            .only("pk", "tracking_number", "event_count", "last_event_hash")[:chunk_size]):
            events = defaultdict(list)
            for event in Event.objects.filter(application_id__in=[a.pk for a in chunk]).order_by(
                    "application_id", "seq"):
                events[event.application_id].append(event)
            for application in chunk:
                link = verify_chain(application, events[application.pk])
                if link:
                    check.broken.append({"application_id": link.application_id,
                                         "tracking_number": link.tracking_number, "seq": link.seq,
                                         "problem": str(link.problem)})
            last_pk = chunk[-1].pk
            # Applications added while the check runs are checked too: the total grows with them.
            check.checked += len(chunk)
            check.total = max(check.total, check.checked)
            check.save(update_fields=["checked", "total", "broken"])
    except Exception:
        check.status, check.finished_at = AuditCheck.Status.FAILED, timezone.now()
        check.save(update_fields=["status", "finished_at"])
        raise
    check.status, check.finished_at = AuditCheck.Status.DONE, timezone.now()
    check.save(update_fields=["status", "finished_at"])
    return check
