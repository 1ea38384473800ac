"""The counter and back-office workbench in a browser: intake, approval, pauses, extension, delivery."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.applications import services
from apps.applications.models import Application, Event, Status, StepStatus, Visit
from apps.supervision.models import Alert
from apps.supervision.services import run_supervision
from tests.factories import UserFactory, hand_in_materials, make_id_number

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def walk_in(district, delivery="window", applicant=None):
    citizen = district["citizen"]
    return services.submit_application(
        actor=district["clerk"], item=district["item"], channel="window", delivery_method=delivery,
        applicant=applicant or {"name": citizen.name, "id_number": citizen.id_number, "phone": citizen.phone},
        now=timezone.now())


def accepted(district, **kwargs):
    application = walk_in(district, **kwargs)
    hand_in_materials(application, district["clerk"], timezone.now())
    return services.accept_application(application_id=application.pk, actor=district["clerk"], now=timezone.now())


def open_application(page, live_server, application):
    page.goto(f"{live_server.url}/counter/applications/{application.pk}/")


def wait_for_status(application, status):
    """The API answered and the page refreshed: the database holds the new state."""
    application.refresh_from_db()
    assert application.status == status


def act(page, selector="", *, key=""):
    """Press a button (or its shortcut) and wait for the region to come back (the page script announces
    success)."""
    page.locator("#messages").evaluate("el => el.replaceChildren()")
    if key:
        page.keyboard.press(key)
    else:
        page.click(selector)
    page.wait_for_selector("#messages .message")


def test_a_walk_in_is_taken_in_accepted_and_the_receipt_printed(district, sign_in, page, check_page, live_server):
    sign_in(district["clerk"])
    page.keyboard.press("Alt+Shift+N")
    page.wait_for_url(re.compile(r"/counter/intake/$"))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "item-search"
    page.keyboard.type("食品经营")
    page.wait_for_selector("#item-results a")
    check_page("intake-search")
    with page.expect_navigation():
        page.click("#item-results a")
    page.fill("#applicant-name", "王小明")
    page.fill("#applicant-id", district["citizen"].id_number[:17] + ("0" if district["citizen"].id_number[17] != "0"
                                                                      else "1"))
    assert page.locator("#applicant-id-check.invalid-note").count() == 1
    page.fill("#applicant-id", district["citizen"].id_number)
    assert page.locator("#applicant-id-check.valid-note").count() == 1
    page.fill("#applicant-phone", "138 0000 1111")
    check_page("intake-applicant")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    application = Application.objects.get()
    assert page.url.endswith(f"/counter/applications/{application.pk}/")
    assert page.evaluate("document.activeElement.dataset.rowToggle") == ""   # the hand goes to the checklist
    for box in page.locator("[data-row-toggle][id^=rcv-]").all():
        box.check()
    act(page, "button[data-shortcut=R]")
    assert page.evaluate("document.activeElement.id") == "accept-button"
    check_page("intake-materials")
    act(page, "#accept-button")
    wait_for_status(application, Status.ACCEPTED)
    receipt = page.locator("[data-notice=acceptance]")
    pdf = page.request.get(live_server.url + receipt.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
    check_page("accepted")
    page.set_viewport_size({"width": 390, "height": 844})         # the same page on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page("accepted-phone")


def test_a_missing_material_ends_in_one_correction_notice_then_acceptance(district, sign_in, page, check_page,
                                                                          live_server):
    # Someone without an account: the clerk brings their corrections in for them.
    application = walk_in(district, applicant={"name": "赵六", "id_number": make_id_number(901),
                                               "phone": "13900009999"})
    sign_in(district["clerk"])
    open_application(page, live_server, application)
    page.click("#accept-button")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "申请表" in summary.inner_text() and "身份证明" in summary.inner_text()
    assert application.steps.count() == 0
    check_page("accept-refused-missing")
    assert page.locator("#correction-action").get_attribute("open") is not None   # missing ones pre-ticked
    act(page, "#correction-action button[type=submit]")
    wait_for_status(application, Status.CORRECTION_REQUESTED)
    notice = application.correction_notices.get()
    assert [item["name"] for item in notice.items] == ["申请表", "身份证明"]
    assert page.request.get(live_server.url + page.locator("[data-notice=correction]").get_attribute("href")
                            ).status == 200
    check_page("correction-issued")
    act(page, "[data-api$='/resubmit/'] button")
    wait_for_status(application, Status.SUBMITTED)
    for box in page.locator("[data-row-toggle][id^=rcv-]").all():
        box.check()
    act(page, "button[data-shortcut=R]")
    act(page, "#accept-button")
    wait_for_status(application, Status.ACCEPTED)


def test_a_double_click_on_accept_acts_once(district, sign_in, page, live_server):
    application = walk_in(district)
    hand_in_materials(application, district["clerk"], timezone.now())
    sign_in(district["clerk"])
    open_application(page, live_server, application)
    page.dblclick("#accept-button")
    page.wait_for_selector("[data-notice=acceptance]")
    assert Event.objects.filter(application=application, action="accepted").count() == 1
    assert page.locator(".error-summary, .banner[role=alert]").count() == 0


def test_an_approver_takes_and_approves_every_step_from_the_inbox(district, sign_in, page, check_page,
                                                                  live_server):
    application = accepted(district)
    sign_in(district["approver"])
    row = page.locator("#inbox tbody tr", has_text=application.tracking_number)
    assert row.count() == 1
    check_page("inbox")
    with page.expect_navigation():
        row.locator("a").click()
    act(page, "button[data-shortcut=T]")
    assert application.steps.get(order=1).assignee == district["approver"]
    page.fill("#approve-comment", "材料齐全，同意")
    check_page("step")
    act(page, "button[data-shortcut=A]")
    assert application.steps.get(order=1).status == StepStatus.APPROVED
    act(page, key="Alt+Shift+A")                               # the next step, from the keyboard
    wait_for_status(application, Status.APPROVED)
    check_page("approved")


def test_an_approver_denies_with_reasons(district, sign_in, page, check_page, live_server):
    application = accepted(district)
    sign_in(district["approver"])
    open_application(page, live_server, application)
    page.click("#deny-action summary")
    page.click("#deny-action button[type=submit]")                # no reason: the API says what is missing
    page.locator("#deny-action .error-summary").wait_for()
    assert page.locator("#deny-reason[aria-invalid=true]").count() == 1
    page.fill("#deny-reason", "经营场所不符合食品安全要求")
    act(page, "#deny-action button[type=submit]")
    wait_for_status(application, Status.DENIED)
    assert application.decision_reason == "经营场所不符合食品安全要求"
    check_page("denied")


def test_an_approver_pauses_and_resumes_the_clock(district, sign_in, page, check_page, live_server):
    application = accepted(district)
    sign_in(district["approver"])
    open_application(page, live_server, application)
    page.keyboard.press("Alt+Shift+U")
    assert page.evaluate("document.activeElement.id") == "suspend-kind"
    page.select_option("#suspend-kind", "inspection")
    page.fill("#suspend-reason", "需现场核查经营场所")
    act(page, "#suspend-action button[type=submit]")
    application.refresh_from_db()
    assert application.suspended
    check_page("suspended")
    act(page, "[data-api$='/resume/'] button")
    application.refresh_from_db()
    assert not application.suspended and application.suspensions.get().ended_at is not None


def test_a_manager_extends_the_time_limit(district, sign_in, page, check_page, live_server):
    application = accepted(district)
    due = application.due_date
    sign_in(district["manager"])
    open_application(page, live_server, application)
    page.click("#extend-action summary")
    page.fill("#extend-reason", "需组织专家论证")
    act(page, "#extend-action button[type=submit]")
    application.refresh_from_db()
    assert application.extension_days == 10 and application.due_date > due
    check_page("extended")


def test_a_clerk_hands_the_result_over_at_the_window_and_is_warned_of_the_visit_limit(district, sign_in, page,
                                                                                     check_page, live_server):
    application = accepted(district)
    for step in application.steps.order_by("order"):
        services.approve_step(application_id=application.pk, step_id=step.pk, actor=district["approver"],
                              comment="同意", now=timezone.now())
    sign_in(district["clerk"])
    open_application(page, live_server, application)
    assert page.locator("#visit-warning").count() == 1          # came once to apply; the item allows one visit
    decision = page.locator("[data-notice=approval]")               # the approval decision to hand over
    assert page.request.get(live_server.url + decision.get_attribute("href")).body().startswith(b"%PDF")
    check_page("deliver")
    act(page, "#deliver-action button[type=submit]")
    wait_for_status(application, Status.DELIVERED)
    assert Visit.objects.filter(application=application, purpose="collect").count() == 1
    check_page("delivered")


def test_a_clerk_of_another_hall_cannot_act_on_an_accepted_application(district, sign_in, page, live_server):
    application = accepted(district)
    sign_in(district["other_clerk"])
    page.allowed_console_errors.append("status of 404")
    response = page.goto(f"{live_server.url}/counter/applications/{application.pk}/")
    assert response.status == 404
    answer = page.request.post(f"{live_server.url}/api/v1/applications/{application.pk}/suspend/",
                               data={"kind": "inspection", "reason": "x"},
                               headers={"X-CSRFToken": page.context.cookies()[0]["value"]})
    assert answer.status in {403, 404}
    application.refresh_from_db()
    assert not application.suspended


def test_a_manager_assigns_a_step_to_an_approver(district, sign_in, page, live_server):
    application = accepted(district)
    sign_in(district["manager"])
    open_application(page, live_server, application)
    page.select_option("#assignee", str(district["approver"].pk))
    act(page, "[data-api$='/assign/'] button")
    assert application.steps.get(order=1).assignee == district["approver"]


def test_a_result_sent_by_mail_needs_its_waybill_and_makes_no_visit(district, sign_in, page, check_page,
                                                                    live_server):
    citizen = district["citizen"]
    application = services.submit_application(
        actor=district["clerk"], item=district["item"], channel="window", delivery_method="mail",
        delivery_address="深圳市福田区某路2号", now=timezone.now(),
        applicant={"name": citizen.name, "id_number": citizen.id_number, "phone": citizen.phone})
    hand_in_materials(application, district["clerk"], timezone.now())
    services.accept_application(application_id=application.pk, actor=district["clerk"], now=timezone.now())
    for step in application.steps.order_by("order"):
        services.approve_step(application_id=application.pk, step_id=step.pk, actor=district["approver"],
                              comment="同意", now=timezone.now())
    sign_in(district["clerk"])
    open_application(page, live_server, application)
    assert page.locator("#deliver-method").input_value() == "mail"
    page.click("#deliver-action button[type=submit]")
    page.locator("#deliver-action .error-summary").wait_for()
    check_page("mail-needs-waybill")
    page.fill("#deliver-reference", "SF1234567890")
    act(page, "#deliver-action button[type=submit]")
    wait_for_status(application, Status.DELIVERED)
    assert application.delivery_reference == "SF1234567890"
    assert not Visit.objects.filter(application=application, purpose="collect").exists()


def test_an_approver_acknowledges_an_overdue_alert(district, sign_in, page, check_page, live_server):
    application = accepted(district)
    run_supervision(now=timezone.now() + timedelta(days=30))
    alert = Alert.objects.filter(application=application).first()
    assert alert is not None
    sign_in(district["approver"])
    assert page.locator("#inbox tbody .tag.overdue").count() >= 1
    check_page("inbox-overdue")
    act(page, f"form[data-api$='/alerts/{alert.pk}/acknowledge/'] button")
    alert.refresh_from_db()
    assert alert.acknowledged_by == district["approver"]


def test_the_inbox_brings_in_new_work_by_itself_but_never_under_the_hand(district, sign_in, page, live_server,
                                                                         settings):
    settings.WORKBENCH_REFRESH_SECONDS = 2
    first = accepted(district)
    sign_in(district["approver"])
    rows = page.locator("#inbox tbody tr")
    assert rows.filter(has_text=first.tracking_number).count() == 1
    page.focus(f"#inbox a[href$='/applications/{first.pk}/']")     # the approver is about to open one
    second = accepted(district)
    page.wait_for_timeout(5000)
    assert rows.filter(has_text=second.tracking_number).count() == 0  # not pulled from under the hand
    page.locator("h1").click()                                         # the hand leaves the list
    rows.filter(has_text=second.tracking_number).wait_for(timeout=10000)
    assert rows.filter(has_text=first.tracking_number).count() == 1


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_enterprises_acting_person_is_taken_in_at_a_window(district, sign_in, page, check_page, live_server,
                                                              language):
    enterprise = UserFactory(username="ent", enterprise=True, name="深圳市示范餐饮管理有限公司")
    agent_id = make_id_number(88)
    sign_in(district["clerk"])                                      # (signing in starts with no cookies)
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/counter/intake/?item={district['item'].code}")
    assert page.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-hans")
    assert page.is_visible("#applicant-id") and not page.is_visible("#enterprise-code")
    page.check("#kind-enterprise")
    assert not page.is_visible("#applicant-id") and page.is_visible("#enterprise-code")
    page.fill("#enterprise-name", enterprise.name)
    code = enterprise.credit_code
    page.fill("#enterprise-code", code[:17] + ("1" if code[17] == "0" else "0"))
    assert page.locator("#enterprise-code-check.invalid-note").count() == 1
    page.fill("#enterprise-code", f"{code[:6]} {code[6:]}".lower())
    assert page.locator("#enterprise-code-check.valid-note").count() == 1
    page.fill("#agent-name", "王代办")
    page.fill("#applicant-phone", "0755-8333 4444")
    page.click("#intake-form button[type=submit]")                 # the acting person's ID number is missing
    page.locator(".error-summary").wait_for()
    assert page.get_attribute("#agent-id", "aria-invalid") == "true"
    check_page(f"enterprise-intake-errors-{language}")
    page.fill("#agent-id", agent_id)
    assert page.locator("#agent-id-check.valid-note").count() == 1
    check_page(f"enterprise-intake-{language}")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    application = Application.objects.get()
    assert (application.applicant, application.applicant_credit_code, application.agent_id_number,
            application.applicant_id_number) == (enterprise, code, agent_id, "")
    facts = page.locator("#applicant").inner_text() + page.locator("#agent").inner_text()
    assert code in facts and "王代办" in facts and application.masked_agent_id_number in facts
    assert agent_id not in page.content()
    check_page(f"enterprise-application-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page(f"enterprise-application-phone-{language}")
