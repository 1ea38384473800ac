"""The working-day clock: acceptance, deemed acceptance, pauses across holidays, extensions, provisional years."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.applications import law, selectors, services
from apps.applications.clock import provisional
from apps.applications.models import Application, Status, StepStatus
from apps.applications.states import TransitionNotAllowed
from apps.workdays.models import CalendarDay, CalendarYear
from tests.helpers import at

pytestmark = pytest.mark.django_db


def test_acceptance_starts_the_clock_in_working_days(make_application, clerk, item):
    app = make_application(submitted_at=at(2026, 9, 25, 10))
    app = services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 9, 28, 10))
    # 9/29, 9/30, (National Day 10/1-10/7), 10/8, 10/9, and Saturday 10/10, an adjusted working day.
    assert app.due_date == date(2026, 10, 10)
    assert app.legal_due_date == date(2026, 10, 30)
    step = app.steps.get(status=StepStatus.ACTIVE)
    assert (step.order, step.due_date) == (1, date(2026, 10, 8))


def test_online_submission_on_a_rest_day_is_received_on_the_next_working_day(make_application, item):
    app = make_application(submitted_at=at(2026, 10, 3, 15))   # Saturday in the National Day week
    assert app.received_on == date(2026, 10, 8)
    assert app.intake_due_on == date(2026, 10, 14)   # 10/9, Sat 10/10 (调休), 10/12, 10/13, 10/14


def test_deemed_acceptance_after_five_working_days_counts_from_receipt(make_application, item):
    # received Tue 9/29; 9/30, 10/8, 10/9, 10/10, 10/12
    app = make_application(submitted_at=at(2026, 9, 29, 10))
    assert app.intake_due_on == date(2026, 10, 12)
    assert list(selectors.awaiting_deemed_acceptance(date(2026, 10, 12))) == []
    with pytest.raises(TransitionNotAllowed):
        services.deem_accept_application(application_id=app.pk, now=at(2026, 10, 12, 18))
    assert list(selectors.awaiting_deemed_acceptance(date(2026, 10, 13))) == [app]
    app = services.deem_accept_application(application_id=app.pk, now=at(2026, 10, 13, 0, 5))
    assert app.status == Status.ACCEPTED and app.deemed_accepted
    assert app.accepted_on == date(2026, 9, 29)
    assert app.due_date == date(2026, 10, 12)   # 5 working days from the receipt date, not from today
    event = app.events.last()
    assert event.action == "deemed_accepted" and event.actor is None and "art. 32" in event.payload["reason"]


def test_a_correction_notice_stops_deemed_acceptance_and_resubmission_restarts_it(make_application, citizen, clerk,
                                                                                  item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    material = app.item_version.materials.first()
    services.request_correction(application_id=app.pk, actor=clerk, now=at(2026, 11, 3, 10),
                                items=[{"material": material.pk, "problem": "缺页"}], note="")
    assert list(selectors.awaiting_deemed_acceptance(date(2026, 12, 1))) == []
    app = services.resubmit_application(application_id=app.pk, actor=citizen, now=at(2026, 11, 20, 9))
    assert (app.received_on, app.intake_due_on) == (date(2026, 11, 20), date(2026, 11, 27))


def test_pausing_across_national_day_moves_every_due_date_by_the_working_days_paused(make_application, clerk,
                                                                                     approver, item):
    app = make_application(submitted_at=at(2026, 9, 25, 10))
    services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 9, 28, 10))
    services.suspend_application(application_id=app.pk, actor=approver, kind="inspection", reason="现场核查",
                                 now=at(2026, 9, 29, 11))
    app.refresh_from_db()
    assert app.suspended
    with pytest.raises(TransitionNotAllowed):
        services.approve_step(application_id=app.pk, step_id=app.steps.get(order=1).pk, actor=approver,
                              comment="", now=at(2026, 9, 30, 9))
    app = services.resume_application(application_id=app.pk, actor=approver, now=at(2026, 10, 9, 16))
    # Paused after 9/29 up to 10/9: 9/30, 10/8 and 10/9 were working days; the holiday week was not.
    assert app.paused_workdays == 3
    assert app.due_date == date(2026, 10, 14)
    step = app.steps.get(order=1)
    assert step.paused_workdays == 3 and step.due_date == date(2026, 10, 12)
    assert app.suspensions.get().paused_workdays == 3


def test_extension_needs_a_reason_happens_once_and_moves_both_due_dates(make_application, clerk, manager, item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    app = services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 11, 2, 11))
    before = (app.due_date, app.legal_due_date)
    with pytest.raises(ValidationError):
        services.extend_application(application_id=app.pk, actor=manager, days=10, reason=" ", now=at(2026, 11, 3))
    services.extend_application(application_id=app.pk, actor=manager, days=10, reason="需专家论证",
                                now=at(2026, 11, 3, 9))
    app.refresh_from_db()
    assert before == (date(2026, 11, 9), date(2026, 11, 30))
    assert (app.due_date, app.legal_due_date) == (date(2026, 11, 23), date(2026, 12, 14))
    with pytest.raises(TransitionNotAllowed):
        services.extend_application(application_id=app.pk, actor=manager, days=5, reason="再延", now=at(2026, 11, 4))


def test_the_api_refuses_an_extension_longer_than_the_law_allows(make_application, as_user, clerk, manager, item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 11, 2, 11))
    extend = f"/api/v1/applications/{app.pk}/extend/"
    refused = as_user(manager).post(extend, {"days": law.MAX_EXTENSION_WORKDAYS + 1, "reason": "需专家论证"},
                                    format="json")
    assert refused.status_code == 400 and "days" in refused.json()
    assert not app.extensions.exists()
    allowed = as_user(manager).post(extend, {"days": law.MAX_EXTENSION_WORKDAYS, "reason": "需专家论证"},
                                    format="json")
    assert allowed.status_code == 200 and allowed.json()["extension_days"] == 15


def test_a_deadline_in_a_year_not_entered_is_provisional_and_recomputed_when_the_year_is_entered(
        make_application, django_capture_on_commit_callbacks, clerk, department):
    from tests.factories import ServiceItemFactory
    long_item = ServiceItemFactory(code="000148003000", department=department, promised_limit_days=20,
                                   legal_limit_days=20)
    app = make_application(item=long_item, submitted_at=at(2026, 12, 15, 10))
    app = services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 12, 15, 11))
    # 2027 is not entered: New Year's Day is the only holiday counted; no adjusted weekends are known.
    assert app.due_date == date(2027, 1, 13)
    assert provisional(app.due_date) is True

    with django_capture_on_commit_callbacks(execute=True):
        year = CalendarYear.objects.create(year=2027, entered=True, source="manual", notice="国办发明电〔2026〕")
        for day in (date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 5)):
            CalendarDay.objects.create(calendar_year=year, date=day, kind="holiday", name="元旦")
    app = Application.objects.get(pk=app.pk)
    assert app.due_date == date(2027, 1, 15)
    assert provisional(app.due_date) is False


def test_the_admin_list_marks_a_provisional_due_date(make_application, admin_client, clerk, department):
    from tests.factories import ServiceItemFactory
    long_item = ServiceItemFactory(code="000148003001", department=department, promised_limit_days=20,
                                   legal_limit_days=20)
    app = make_application(item=long_item, submitted_at=at(2026, 12, 15, 10))
    services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 12, 15, 11))
    page = admin_client.get("/admin/applications/application/").content.decode()
    assert "2027-01-13（暂定）" in page
