"""The tamper-evident audit trail: every action appends one chained event.

Three guards, all checked by `manage.py verify_audit`:

- Each event's hash is an HMAC, keyed with `AUDIT_KEY` (never the Django secret), over its own content and the
  previous event's hash; the application keeps the head of its chain (count and last hash). An edited, inserted
  or deleted event, the last one included, breaks verification, and without the key nobody can recompute it.
- On PostgreSQL, triggers refuse UPDATE and DELETE on events and checkpoints (migration 0002 of this app).
- Every hour a signed, chained checkpoint seals the heads of the chains that grew, with the number of
  applications and events, so that a case deleted with all its rows is noticed too.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import Application, AuditCheckpoint, Event

logger = logging.getLogger(__name__)

# Tables whose rows the database itself refuses to change or delete (PostgreSQL triggers).
APPEND_ONLY_TABLES = ("applications_event", "applications_auditcheckpoint")
# A checkpoint looks again at this many events before the previous one's last id: an event whose transaction
# committed late (a lower id seen after a higher one) is still sealed.
CHECKPOINT_OVERLAP_EVENTS = 1000


def _keyed_hash(fields: list) -> str:
    body = json.dumps(fields, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.AUDIT_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()


def _digest(*, application_id, seq, at, actor_id, action, from_status, to_status, payload, prev_hash) -> str:
    return _keyed_hash([application_id, seq, at.astimezone(UTC).isoformat(), actor_id, action, from_status,
                        to_status, payload, prev_hash])


def record_event(application: Application, *, actor, action: str, now: datetime, from_status: str = "",
                 payload: dict | None = None) -> Event:
    """Append an event; the caller holds the application's row lock inside its transaction."""
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    event = Event(application=application, seq=application.event_count + 1, at=now,
                  actor=actor, action=action, from_status=from_status, to_status=application.status,
                  payload=payload, prev_hash=application.last_event_hash)
    event.hash = _digest(application_id=application.pk, seq=event.seq, at=now, actor_id=getattr(actor, "pk", None),
                         action=action, from_status=from_status, to_status=event.to_status, payload=payload,
                         prev_hash=event.prev_hash)
    event.save(force_insert=True)
    Application.objects.filter(pk=application.pk).update(event_count=event.seq, last_event_hash=event.hash)
    application.event_count, application.last_event_hash = event.seq, event.hash
    return event


@dataclass
class BrokenLink:
    application_id: int
    tracking_number: str
    seq: int
    problem: str


def verify_chain(application: Application, events) -> BrokenLink | None:
    """The first broken link of one application's chain, or None."""
    prev_hash, expected_seq = "", 1
    for event in events:
        def broken(problem, seq=event.seq):
            return BrokenLink(application.pk, application.tracking_number, seq, problem)
        if event.seq != expected_seq:
            return broken(_("event %(seq)s is missing") % {"seq": expected_seq}, seq=expected_seq)
        if event.prev_hash != prev_hash:
            return broken(_("does not point at the previous event"))
        digest = _digest(application_id=application.pk, seq=event.seq, at=event.at, actor_id=event.actor_id,
                         action=event.action, from_status=event.from_status, to_status=event.to_status,
                         payload=event.payload, prev_hash=event.prev_hash)
        if digest != event.hash:
            return broken(_("its content was changed after it was written"))
        prev_hash, expected_seq = event.hash, expected_seq + 1
    if expected_seq - 1 != application.event_count or prev_hash != application.last_event_hash:
        return BrokenLink(application.pk, application.tracking_number, expected_seq,
                          _("the chain ends at event %(last)s but %(written)s were written")
                          % {"last": expected_seq - 1, "written": application.event_count})
    return None


def verify_all(*, chunk_size: int = 500):
    """Yield the first broken link of every application whose chain is broken."""
    for application in Application.objects.only("pk", "tracking_number", "event_count", "last_event_hash") \
            .order_by("pk").iterator(chunk_size=chunk_size):
        events = Event.objects.filter(application_id=application.pk).order_by("seq")
        link = verify_chain(application, events.iterator())
        if link:
            yield link


@dataclass
class CheckpointProblem:
    checkpoint: int | None
    problem: str


def _checkpoint_signature(checkpoint: AuditCheckpoint) -> str:
    return _keyed_hash(["checkpoint", checkpoint.seq, checkpoint.at.astimezone(UTC).isoformat(),
                        checkpoint.application_count, checkpoint.event_count, checkpoint.last_event_id,
                        checkpoint.heads, checkpoint.prev_signature])


def seal_checkpoint(*, now: datetime) -> AuditCheckpoint:
    """审计检查点: sign the heads of the chains that grew since the previous checkpoint, with the counts."""
    with transaction.atomic():
        previous = AuditCheckpoint.objects.select_for_update().order_by("-seq").first()
        since = max(0, previous.last_event_id - CHECKPOINT_OVERLAP_EVENTS) if previous else 0
        last_event_id = Event.objects.aggregate(last=Max("pk"))["last"] or 0
        grown = Event.objects.filter(pk__gt=since, pk__lte=last_event_id).values("application_id").distinct()
        heads = {str(pk): [count, head] for pk, count, head in
                 Application.objects.filter(pk__in=grown, event_count__gt=0)
                 .values_list("pk", "event_count", "last_event_hash")}
        checkpoint = AuditCheckpoint(
            seq=previous.seq + 1 if previous else 1, at=now, application_count=Application.objects.count(),
            event_count=Event.objects.count(), last_event_id=last_event_id, heads=heads,
            prev_signature=previous.signature if previous else "")
        checkpoint.signature = _checkpoint_signature(checkpoint)
        checkpoint.save(force_insert=True)
    # Also outside the database: whoever could remove the newest checkpoints cannot remove this line.
    logger.info("audit checkpoint %s sealed: %s applications, %s events, signature %s",
                checkpoint.seq, checkpoint.application_count, checkpoint.event_count, checkpoint.signature)
    return checkpoint


def verify_checkpoints(*, chunk_size: int = 1000) -> Iterator[CheckpointProblem]:
    """Every problem with the checkpoints: a broken signature or link, or a sealed chain head that is gone."""
    prev_signature, expected_seq, latest = "", 1, None
    sealed = {}  # application id -> (event count, hash, checkpoint seq) as last sealed
    for checkpoint in AuditCheckpoint.objects.order_by("seq").iterator(chunk_size=50):
        if checkpoint.seq != expected_seq:
            yield CheckpointProblem(expected_seq, _("checkpoint %(seq)s is missing") % {"seq": expected_seq})
        if checkpoint.prev_signature != prev_signature:
            yield CheckpointProblem(checkpoint.seq, _("does not point at the previous checkpoint"))
        if not hmac.compare_digest(_checkpoint_signature(checkpoint), checkpoint.signature):
            yield CheckpointProblem(checkpoint.seq, _("its content was changed after it was sealed"))
        for pk, (count, head) in checkpoint.heads.items():
            sealed[int(pk)] = (count, head, checkpoint.seq)
        prev_signature, expected_seq, latest = checkpoint.signature, checkpoint.seq + 1, checkpoint
    ids = sorted(sealed)
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start:start + chunk_size]
        existing = set(Application.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        found = {(a, q): h for a, q, h in Event.objects.filter(
            application_id__in=chunk, seq__in={sealed[pk][0] for pk in chunk}).values_list(
            "application_id", "seq", "hash")}
        for pk in chunk:
            count, head, seq = sealed[pk]
            if pk not in existing:
                yield CheckpointProblem(seq, _("application %(id)s, sealed with %(count)s events, no longer exists")
                                        % {"id": pk, "count": count})
            elif found.get((pk, count)) != head:
                yield CheckpointProblem(seq, _("event %(count)s of application %(id)s, as sealed, is missing or "
                                               "changed") % {"id": pk, "count": count})
    if latest is not None:
        applications = Application.objects.count()
        if applications < latest.application_count:
            yield CheckpointProblem(latest.seq, _("%(now)s applications, fewer than the %(sealed)s sealed")
                                    % {"now": applications, "sealed": latest.application_count})
        events = Event.objects.count()
        if events < latest.event_count:
            yield CheckpointProblem(latest.seq, _("%(now)s events, fewer than the %(sealed)s sealed")
                                    % {"now": events, "sealed": latest.event_count})


def append_only_problems() -> list[str] | None:
    """What is wrong with the database's refusal to change audit rows; None where the database has no triggers."""
    if connection.vendor != "postgresql":
        return None
    names = [f"{table}_append_only" for table in APPEND_ONLY_TABLES]
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgname = ANY(%s)", [names])
        enabled = dict(cursor.fetchall())
    problems = []
    for table, name in zip(APPEND_ONLY_TABLES, names, strict=True):
        if name not in enabled:
            problems.append(_("the trigger protecting %(table)s is missing") % {"table": table})
        elif enabled[name] == "D":
            problems.append(_("the trigger protecting %(table)s is disabled") % {"table": table})
    return problems
