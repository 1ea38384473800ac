"""What must hold after the soak (bench/soak.py), read from the database once the stack has stopped.

Each check names the rule and why it must hold, and counts the rows that break it (with a few of their ids).
They cover every application in the database, the demo's generated past included, except where a check is
about what the live services did: those skip the past, whose single "imported" event stands for a history
that was never recorded live.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Subquery

from apps.applications import states
from apps.applications.models import Application, Event, Step, Suspension
from apps.evaluation.models import Rating, Rectification
from apps.notifications.models import Channel, Notification
from apps.supervision.models import Alert

APP, STEP, EVENT = Application._meta.db_table, Step._meta.db_table, Event._meta.db_table
SUSPENSION, RATING, RECTIFICATION = Suspension._meta.db_table, Rating._meta.db_table, Rectification._meta.db_table
ALERT, NOTIFICATION = Alert._meta.db_table, Notification._meta.db_table
# Applications whose history the services recorded live (not the demo's imported past).
LIVE = f"EXISTS (SELECT 1 FROM {EVENT} e0 WHERE e0.application_id = a.id AND e0.seq = 1 AND e0.action = 'submitted')"
# Messages an application gets at most once (a correction notice may, by rule, be followed by a further one).
ONCE_TOPICS = ["accepted", "deemed_accepted", "rejected", "approved", "denied", "delivered", "extended"]
EXAMPLES = 5


@dataclass
class Check:
    name: str
    reason: str
    broken: list = field(default_factory=list)  # the rows (ids) that break it
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.broken


def _rows(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return [row[0] if len(row) == 1 else row for row in cursor.fetchall()]


def _sql_check(name: str, reason: str, where: str, params=None) -> Check:
    """Applications `a` for which `where` holds are the broken ones."""
    return Check(name, reason, _rows(f"SELECT a.id FROM {APP} a WHERE {where} ORDER BY a.id", params))


# ---- each status with its fields ------------------------------------------------------------------------


def status_checks() -> list[Check]:
    return [
        _sql_check(
            "waiting at intake: no clock, no step, no decision",
            "before acceptance nothing has started: the legal clock starts with acceptance (art. 32)",
            f"a.status IN ('submitted', 'correction_requested') AND (a.accepted_at IS NOT NULL OR a.decided_at IS "
            f"NOT NULL OR a.delivered_at IS NOT NULL OR a.suspended OR EXISTS (SELECT 1 FROM {STEP} s WHERE "
            f"s.application_id = a.id))"),
        _sql_check(
            "refused at intake: dated, with reasons, never accepted",
            "a refusal (不予受理) is a dated written decision with reasons; nothing was accepted or delivered",
            f"a.status = 'rejected' AND (a.decided_at IS NULL OR a.decision_reason = '' OR a.accepted_at IS NOT NULL "
            f"OR a.delivered_at IS NOT NULL OR EXISTS (SELECT 1 FROM {STEP} s WHERE s.application_id = a.id))"),
        _sql_check(
            "under decision: accepted, due dates set, undecided",
            "the clock runs from acceptance to a promised and a legal due date; no decision yet",
            "a.status = 'accepted' AND (a.accepted_at IS NULL OR a.accepted_on IS NULL OR a.due_date IS NULL OR "
            "a.legal_due_date IS NULL OR a.due_at IS NULL OR a.decided_at IS NOT NULL OR a.delivered_at IS NOT NULL)"),
        _sql_check(
            "decided: accepted first, dated, with a delivery deadline",
            "a decision follows an acceptance and starts the 10-working-day delivery period (art. 44)",
            "a.status IN ('approved', 'denied', 'delivered') AND (a.accepted_at IS NULL OR a.decided_at IS NULL OR "
            "a.decided_at < a.accepted_at OR a.delivery_due_at IS NULL)"),
        _sql_check(
            "denied: with reasons",
            "a denial states its reasons and the right to reconsideration or litigation (art. 38)",
            "a.status = 'denied' AND a.decision_reason = ''"),
        _sql_check(
            "delivered only after the decision, and only then",
            "送达 hands over a decision that exists; an undelivered result has no delivery time",
            "(a.status = 'delivered') <> (a.delivered_at IS NOT NULL) OR (a.status = 'delivered' AND "
            "a.delivered_at < a.decided_at)"),
        _sql_check(
            "withdrawn: nothing left open",
            "a withdrawal ends the pause and cancels the steps not done",
            f"a.status = 'withdrawn' AND (a.suspended OR a.decided_at IS NOT NULL OR EXISTS (SELECT 1 FROM {STEP} s "
            f"WHERE s.application_id = a.id AND s.status IN ('pending', 'active')) OR EXISTS (SELECT 1 FROM "
            f"{SUSPENSION} p WHERE p.application_id = a.id AND p.ended_at IS NULL))"),
        _sql_check(
            "clock paused exactly while one pause is open",
            "the paused time is not counted (art. 45): the flag, the open pause and the current step must agree",
            f"a.suspended <> EXISTS (SELECT 1 FROM {SUSPENSION} p WHERE p.application_id = a.id AND p.ended_at IS "
            f"NULL) OR EXISTS (SELECT 1 FROM {STEP} s WHERE s.application_id = a.id AND s.suspended AND ("
            f"NOT a.suspended OR s.status <> 'active')) OR (a.suspended AND NOT EXISTS (SELECT 1 FROM {STEP} s "
            f"WHERE s.application_id = a.id AND s.status = 'active' AND s.suspended))"),
        _sql_check(
            "rated once, by the applicant, after the case closed",
            "好差评 comes after delivery, denial or refusal, from the applicant; a bad rating opens a rectification",
            f"EXISTS (SELECT 1 FROM {RATING} r WHERE r.application_id = a.id AND (a.status NOT IN ('delivered', "
            f"'denied', 'rejected') OR r.rater_id IS DISTINCT FROM a.applicant_id OR (r.score <= 2) <> EXISTS "
            f"(SELECT 1 FROM {RECTIFICATION} x WHERE x.rating_id = r.id)))"),
        steps_check(),
    ]


# Each status and the sequences of step statuses it allows (A approved, C active, D denied, P pending,
# X cancelled), in step order.
STEP_PATTERNS = {
    "submitted": r"", "correction_requested": r"", "rejected": r"",
    "accepted": r"A*CP*", "approved": r"A+", "denied": r"A*DX*", "delivered": r"A+|A*DX*", "withdrawn": r"A*X*",
}
STEP_LETTERS = {"approved": "A", "active": "C", "denied": "D", "pending": "P", "cancelled": "X"}


def steps_check() -> Check:
    sequences = defaultdict(str)
    for application_id, status in Step.objects.order_by("application_id", "order").values_list("application_id",
                                                                                                  "status"):
        sequences[application_id] += STEP_LETTERS[status]
    broken = [pk for pk, status in Application.objects.values_list("pk", "status").order_by("pk")
              if not re.fullmatch(STEP_PATTERNS[status], sequences.get(pk, ""))]
    return Check("steps agree with the status, in order",
                 "steps run one at a time in their order: done ones approved, one in progress while under decision, "
                 "all approved for an approval, the rest cancelled after a denial", broken)


# ---- the audit trail: every event in order, each one allowed by the state table ---------------------------


def events_check() -> list[Check]:
    by_event = {t.event: t for t in states.TRANSITIONS.values()}
    order, allowed, last = [], [], {}
    previous = {}
    rows = Event.objects.order_by("application_id", "seq").values_list("application_id", "seq", "at", "action",
                                                                         "from_status", "to_status")
    live = set()
    for application_id, seq, at, action, from_status, to_status in rows.iterator(chunk_size=5000):
        if seq == 1:
            if action == "submitted":
                live.add(application_id)
            previous[application_id] = (at, to_status)
        elif application_id in live:
            before_at, before_status = previous[application_id]
            if from_status != before_status or at < before_at:
                order.append(application_id)
            previous[application_id] = (at, to_status)
            transition = by_event.get(action)
            if transition is None or from_status not in transition.sources or to_status not in {
                    transition.to or from_status, transition.decides}:
                allowed.append((application_id, seq, action, from_status, to_status))
        last[application_id] = to_status
    mismatched = [pk for pk, status in Application.objects.filter(pk__in=live).values_list("pk", "status")
                  if last.get(pk) != status]
    return [
        Check("events in order", "each event starts from the status the previous one left, no earlier than it",
              sorted(set(order))),
        Check("every event allowed by the state table", "nothing but the services, through the one table of "
              "transitions, changes a status", allowed),
        Check("the last event is the current status", "the audit trail ends where the application is", mismatched),
    ]


# ---- supervision: flags, alerts, notifications -----------------------------------------------------------


def supervision_checks(*, caught_up_at: datetime) -> list[Check]:
    open_steps = "s.status = 'active' AND NOT s.suspended"
    return [
        Check("the sweep caught up", "every open step and application past its warning or due moment at the end is "
              "flagged (the last sweeps ran after the clients stopped)",
              _rows(f"SELECT s.application_id FROM {STEP} s WHERE {open_steps} AND ((s.due_at <= %s AND s.flag <> "
                    f"'overdue') OR (s.warning_at <= %s AND s.flag = 'normal')) UNION SELECT a.id FROM {APP} a WHERE "
                    f"a.status = 'accepted' AND NOT a.suspended AND ((a.due_at <= %s AND a.flag <> 'overdue') OR "
                    f"(a.warning_at <= %s AND a.flag = 'normal'))", [caught_up_at] * 4)),
        Check("every flag raised has its alert", "a yellow or red flag is raised with an alert that tells the "
              "assignee and the managers (电子监察); a flag nobody was told of is a silent one (a step a service set "
              "yellow or red and finished before the next sweep is the only one without)",
              _rows(f"SELECT s.application_id FROM {STEP} s JOIN {APP} a ON a.id = s.application_id WHERE {LIVE} AND "
                    f"s.flag IN ('warning', 'overdue') AND (s.status = 'active' OR s.flagged_at IS NOT NULL) AND "
                    f"NOT EXISTS (SELECT 1 FROM {ALERT} x WHERE x.subject = "
                    f"'step:' || s.id AND x.level = s.flag) UNION SELECT a.id FROM {APP} a WHERE {LIVE} AND "
                    f"a.status = 'accepted' AND a.flag IN ('warning', 'overdue') AND NOT EXISTS (SELECT 1 FROM "
                    f"{ALERT} x WHERE x.subject = 'application:' || a.id AND x.level = a.flag) UNION SELECT a.id FROM "
                    f"{APP} a WHERE {LIVE} AND a.delivery_flagged_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                    f"{ALERT} x WHERE x.subject = 'delivery:' || a.id)")),
        Check("no alert raised twice", "a flag is raised once for each deadline: the same step or application "
              "and level twice only after its deadline moved (a pause resumed, an extension)",
              _rows(f"SELECT x.subject FROM {ALERT} x GROUP BY x.subject, x.level HAVING count(*) > 1 AND NOT EXISTS ("
                    f"SELECT 1 FROM {EVENT} e WHERE e.application_id = min(x.application_id) AND e.action IN "
                    f"('resumed', 'extended'))")),
        Check("every alert told", "each alert is sent to at least one person once the notify pass ran",
              _rows(f"SELECT x.id FROM {ALERT} x WHERE x.notified_at IS NULL OR NOT EXISTS (SELECT 1 FROM "
                    f"{NOTIFICATION} n WHERE n.dedupe_key LIKE 'alert:' || x.id || ':%%')")),
    ]


def notification_checks() -> list[Check]:
    return [
        Check("no notification duplicated", "one event reaches each recipient once per channel: no message that "
              "happens once per application (accepted, decided, delivered, extended, ...) twice",
              _rows(f"SELECT n.link || ' ' || n.topic || ' ' || n.channel FROM {NOTIFICATION} n WHERE n.topic = "
                    f"ANY(%s) GROUP BY n.link, n.topic, n.channel, n.recipient_id, n.address HAVING count(*) > 1",
                    [ONCE_TOPICS])),
        Check("no notification lost", "every event the state table tells the applicant of has its message",
              lost_messages()),
        Check("no notification failed", "every message was handed to its channel",
              list(Notification.objects.filter(status=Notification.Status.FAILED).values_list("pk", flat=True))),
    ]


def lost_messages() -> list:
    by_event = {t.event: t for t in states.TRANSITIONS.values()}
    expected = {}
    live = Event.objects.filter(seq=1, action="submitted").values("application_id")
    rows = (Event.objects.filter(application__in=Subquery(live), application__applicant__isnull=False)
            .values_list("application_id", "application__applicant_id", "seq", "action", "to_status"))
    for application_id, applicant_id, seq, action, to_status in rows.iterator(chunk_size=5000):
        transition = by_event.get(action)
        if transition is None:
            continue
        decided = transition.decides is not None and to_status == transition.decides
        tell = states.DECISION_MESSAGES[to_status] if decided else transition.tell
        if tell:
            expected[f"application:{application_id}:{seq}:{tell}:u{applicant_id}"] = application_id
    found = set(Notification.objects.filter(channel=Channel.IN_APP, dedupe_key__startswith="application:")
                .values_list("dedupe_key", flat=True))
    return sorted({pk for key, pk in expected.items() if key not in found})


# ---- what the clients were told ---------------------------------------------------------------------------


def answers_check(last_status: dict[int, str], *, moved_by_jobs: set[int]) -> Check:
    """The status the API last answered for each application is the one committed."""
    committed = dict(Application.objects.filter(pk__in=list(last_status)).values_list("pk", "status"))
    broken = [pk for pk, status in last_status.items() if committed.get(pk) != status and pk not in moved_by_jobs]
    return Check("what the API answered is what was committed", "an answer that says an action happened must "
                 "match the database afterwards (no lost or phantom update)", sorted(broken))


def database_checks(*, caught_up_at: datetime, last_status: dict[int, str], moved_by_jobs: set[int]) -> list[Check]:
    return [*status_checks(), *events_check(), *supervision_checks(caught_up_at=caught_up_at),
            *notification_checks(), answers_check(last_status, moved_by_jobs=moved_by_jobs)]
