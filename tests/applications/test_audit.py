"""The chained audit trail: `verify_audit` finds an edited, a deleted and a removed last event."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from apps.applications import services
from apps.applications.models import Event
from tests.helpers import at

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
    assert [e.seq for e in events] == [1, 2, 3]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))


def test_an_edited_event_is_the_first_broken_link(history, capsys):
    Event.objects.filter(application=history, seq=2).update(payload={"due_date": "2099-01-01"})
    ok, out = verify(capsys)
    assert not ok
    assert f"{history.tracking_number}" in out and "第2个事件" in out and "写入后内容被修改" in out


def test_a_deleted_event_is_named(history, capsys):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_event WHERE application_id = %s AND seq = 2", [history.pk])
    ok, out = verify(capsys)
    assert not ok and "第2个事件缺失" in out


def test_a_deleted_last_event_is_noticed_too(history, capsys):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM applications_event WHERE application_id = %s AND seq = 3", [history.pk])
    ok, out = verify(capsys)
    assert not ok and "共写入了3个事件" in out
    with translation.override("en"):
        ok, out = verify(capsys)
    assert not ok and "3 were written" in out
