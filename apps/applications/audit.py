"""The tamper-evident audit trail: every action appends one chained event.

Each event's hash covers its own content and the previous event's hash, and the
application keeps the head of its chain (count and last hash), so an edited,
inserted or deleted event — the last one included — breaks verification.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from .models import Application, Event


def _digest(*, application_id, seq, at, actor_id, action, from_status, to_status, payload, prev_hash) -> str:
    fields = [application_id, seq, at.astimezone(UTC).isoformat(), actor_id, action, from_status, to_status,
              payload, prev_hash]
    body = json.dumps(
        fields,
        cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


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
