"""The keyed audit trail: `verify_audit` finds an edited, a deleted and a removed last event, a chain rewritten
without the key, a deleted case (through the checkpoints) and switched-off database protection."""

import importlib
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from apps.applications import audit, services
from apps.applications.models import Application, AuditCheckpoint, Event
from tests.helpers import at, triggers_switched_off

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers: PostgreSQL only")


pytestmark = pytest.mark.django_db


@pytest.fixture
def history(accepted_application, approver, item):
    app = accepted_application
    step = app.steps.get(order=1)
    services.approve_step(application_id=app.pk, step_id=step.pk, actor=approver, comment="同意",
                          now=at(2026, 11, 3, 10))
    return app


def verify(capsys):
    try:
        call_command("verify_audit")
        return True, capsys.readouterr().out
    except CommandError as exc:
        return False, capsys.readouterr().out + str(exc)


def test_an_untouched_chain_verifies(history, capsys):
    ok, out = verify(capsys)
    assert ok and "所有事件链完整" in out  # the operator reads the product's language
    with translation.override("en"):
        ok, out = verify(capsys)
    assert ok and "every chain intact" in out
    events = list(Event.objects.filter(application=history).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))


def test_an_edited_event_is_the_first_broken_link(history, capsys):
    with triggers_switched_off():
        Event.objects.filter(application=history, seq=2).update(payload={"due_date": "2099-01-01"})
    ok, out = verify(capsys)
    assert not ok
    assert f"{history.tracking_number}" in out and "第2个事件" in out and "写入后内容被修改" in out


def test_a_deleted_event_is_named(history, capsys):
    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_event WHERE application_id = %s AND seq = 2", [history.pk])
    ok, out = verify(capsys)
    assert not ok and "第2个事件缺失" in out


def test_a_deleted_last_event_is_noticed_too(history, capsys):
    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_event WHERE application_id = %s AND seq = 4", [history.pk])
    ok, out = verify(capsys)
    assert not ok and "共写入了4个事件" in out
    with translation.override("en"):
        ok, out = verify(capsys)
    assert not ok and "4 were written" in out


def rewrite_event(event: Event, payload: dict, *, key: str) -> None:
    """Edit an event and recompute its hash and the chain's head as the project's code would, with `key`."""
    with override_settings(AUDIT_KEY=key):
        digest = audit._digest(application_id=event.application_id, seq=event.seq, at=event.at,
                               actor_id=event.actor_id, action=event.action, from_status=event.from_status,
                               to_status=event.to_status, payload=payload, prev_hash=event.prev_hash)
    with triggers_switched_off():
        Event.objects.filter(pk=event.pk).update(payload=payload, hash=digest)
        Application.objects.filter(pk=event.application_id).update(last_event_hash=digest)


def test_an_event_rewritten_without_the_key_is_detected(history, capsys):
    last = Event.objects.get(application=history, seq=4)
    rewrite_event(last, {"comment": "改过"}, key="a guess at the key")
    ok, out = verify(capsys)
    assert not ok and "第4个事件" in out


def test_the_chain_is_keyed_with_the_audit_key(history, capsys):
    last = Event.objects.get(application=history, seq=4)
    rewrite_event(last, {"comment": "改过"}, key=settings.AUDIT_KEY)  # only the key's holder can do this
    ok, _out = verify(capsys)
    assert ok


def test_a_case_deleted_with_all_its_rows_is_detected_by_the_checkpoint(history, citizen, item, capsys):
    audit.seal_checkpoint(now=at(2026, 11, 3, 11))
    other = services.submit_application(actor=citizen, item=item, channel="online", delivery_method="electronic",
                                        now=at(2026, 11, 3, 12))
    audit.seal_checkpoint(now=at(2026, 11, 3, 13))
    assert verify(capsys)[0]
    with triggers_switched_off():
        Event.objects.filter(application=history).delete()
        Application.objects.filter(pk=history.pk).delete()
    with translation.override("en"):
        ok, out = verify(capsys)
    assert not ok
    assert f"application {history.pk}, sealed with 4 events, no longer exists" in out
    assert f"application {other.pk}" not in out


def test_checkpoints_seal_only_chains_that_grew_and_are_signed(history, citizen, item, capsys):
    first = audit.seal_checkpoint(now=at(2026, 11, 3, 11))
    assert first.heads == {str(history.pk): [4, Application.objects.get(pk=history.pk).last_event_hash]}
    other = services.submit_application(actor=citizen, item=item, channel="online", delivery_method="electronic",
                                        now=at(2026, 11, 3, 12))
    second = audit.seal_checkpoint(now=at(2026, 11, 3, 13))
    assert str(other.pk) in second.heads and second.prev_signature == first.signature
    with triggers_switched_off():
        AuditCheckpoint.objects.filter(pk=first.pk).update(heads={})  # hide the first case from the seals
    with translation.override("en"):
        ok, out = verify(capsys)
    assert not ok and "BROKEN checkpoint 1: its content was changed after it was sealed" in out


def test_the_checkpoint_runs_hourly_in_the_beat_schedule():
    task = PeriodicTask.objects.get(task="apps.applications.tasks.seal_audit_checkpoint")
    assert task.enabled and task.interval.every == 3600 and task.interval.period == "seconds"


@postgresql_only
@pytest.mark.parametrize("statement", [
    "UPDATE applications_event SET payload = '{}' WHERE application_id = %s",
    "DELETE FROM applications_event WHERE application_id = %s",
])
def test_the_database_refuses_to_change_or_delete_events(history, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [history.pk])


@postgresql_only
def test_switched_off_triggers_are_reported(history, capsys):
    with triggers_switched_off():
        ok, out = verify(capsys)
    assert not ok and "applications_event" in out


def test_events_sealed_before_the_key_verify_after_the_migration(history, capsys):
    """The migration re-seals chains written with the former unkeyed digest; a broken one stays broken."""
    migration = importlib.import_module("apps.applications.migrations.0004_keyed_audit_chain")
    from django.apps import apps as installed_apps

    def unkeyed(app):
        prev = ""
        with triggers_switched_off():
            for event in Event.objects.filter(application=app).order_by("seq"):
                digest = migration.unkeyed_digest(app.pk, event, prev)
                Event.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
                prev = digest
            Application.objects.filter(pk=app.pk).update(last_event_hash=prev)

    unkeyed(history)
    assert not verify(capsys)[0]  # the old digest is not accepted as it is
    with triggers_switched_off():
        migration.reseal(installed_apps, None)
    assert verify(capsys)[0]

    unkeyed(history)
    with triggers_switched_off():
        Event.objects.filter(application=history, seq=2).update(action="edited")  # broken before the migration
        migration.reseal(installed_apps, None)
    assert not verify(capsys)[0]


def test_production_settings_need_an_audit_key_of_their_own():
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50, "AUDIT_KEY": ""}
    run = subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                          "'govservice.settings'); django.setup()"], env=env, capture_output=True, text=True,
                         cwd=settings.BASE_DIR)
    assert run.returncode != 0 and "AUDIT_KEY must be set" in run.stderr
    run = subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                          "'govservice.settings'); django.setup()"], env={**env, "AUDIT_KEY": "x" * 50},
                         capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert run.returncode != 0 and "must differ" in run.stderr
