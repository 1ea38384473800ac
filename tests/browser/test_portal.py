"""The citizen portal as a new user meets it: find a service, register, apply with uploads, answer a correction,
follow the case to delivery, rate it; and the public pages (guides, tracking, decisions) on a phone and a desktop."""

import re

import pytest
from django.utils import timezone, translation

from apps.accounts.identity import uscc_check_char
from apps.accounts.models import Role, User
from apps.applications import services
from apps.applications.models import Application, Status
from apps.catalog.services import publish_item
from apps.evaluation.models import Rectification
from apps.evaluation.services import answer_rectification
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, hand_in_materials, make_id_number
from tests.helpers import window_applicant
from tests.portal.helpers import PDF, upload_required

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def files(tmp_path):
    made = {}
    for name, content in {"form.pdf": PDF, "id.pdf": PDF, "fixed.pdf": PDF, "notes.txt": b"hello",
                          "empty.pdf": b""}.items():
        made[name] = tmp_path / name
        made[name].write_bytes(content)
    return made


def in_english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def now():
    return timezone.now()


def test_a_new_citizen_registers_applies_with_uploads_fixes_a_correction_and_rates_the_delivered_result(
        district, page, check_page, live_server, files):
    item, clerk, approver = district["item"], district["clerk"], district["approver"]

    # The front page leads to the catalogue; the guide leads to applying.
    page.goto(live_server.url)
    check_page("01-home")
    page.fill("#home-search", "食品")
    with page.expect_navigation():
        page.press("#home-search", "Enter")
    assert page.locator(".guide-list li").count() == 1
    check_page("02-guides")
    with page.expect_navigation():
        page.click(f"text={item.name}")
    assert "不收费" in page.locator(".guide-fields").inner_text()
    check_page("03-guide")

    # Registration: the ID number's check digit is judged as it is typed.
    page.goto(f"{live_server.url}/accounts/register/")
    good_id = make_id_number(77)
    page.fill("#r-name", "王新民")
    page.fill("#r-id", good_id[:17] + ("1" if good_id[17] != "1" else "2"))
    assert page.locator("#r-id-check.invalid-note").count() == 1
    page.fill("#r-id", good_id)
    assert page.locator("#r-id-check.valid-note").count() == 1
    page.fill("#r-phone", "139 0000 1111")
    page.fill("#r-username", "wangxm")
    page.fill("#r-password", "Portal-2026-pass")
    check_page("04-register")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.input_value("#id_username") == "wangxm"
    page.fill("#id_password", "Portal-2026-pass")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert User.objects.get(username="wangxm").phone == "13900001111"

    # Apply: wrong files are refused before anything is sent; then a review; then the confirmation.
    page.goto(f"{live_server.url}/apply/{item.code}/")
    page.check("#dm-mail")
    page.fill("#delivery_address", "深圳市某区某路2号")
    page.click("button[data-method=PUT]")
    page.wait_for_selector("#messages .message")
    page.context.clear_cookies()                    # closing the browser and signing in again elsewhere
    page.goto(f"{live_server.url}/accounts/login/?next=/apply/{item.code}/")
    page.fill("#id_username", "wangxm")
    page.fill("#id_password", "Portal-2026-pass")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.is_checked("#dm-mail") and page.input_value("#delivery_address") == "深圳市某区某路2号"
    assert page.locator("#draft-note").count() == 1
    inputs = page.locator("input[type=file][data-material]")
    assert inputs.count() == 2
    inputs.nth(0).set_input_files(str(files["notes.txt"]))
    page.click("[data-review]")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "PDF" in summary.inner_text()
    assert "身份证明" in summary.inner_text()             # the required material still missing is named
    check_page("05-apply-errors")
    inputs.nth(0).set_input_files(str(files["empty.pdf"]))
    page.click("[data-review]")
    assert inputs.nth(0).get_attribute("data-empty") in page.locator(".error-summary").inner_text()
    inputs.nth(0).set_input_files(str(files["form.pdf"]))
    inputs.nth(1).set_input_files(str(files["id.pdf"]))
    page.check("#dm-electronic")
    page.click("[data-review]")
    review = page.locator("[data-review-step]")
    review.wait_for()
    assert "form.pdf" in review.inner_text() and "id.pdf" in review.inner_text()
    check_page("06-apply-review")
    assert Application.objects.count() == 0
    with page.expect_navigation():
        page.click("[data-review-step] button[type=submit]")
    application = Application.objects.get()
    assert application.materials.count() == 2
    assert application.tracking_number in page.locator(".confirmation").inner_text()
    assert application.verification_code in page.locator(".confirmation").inner_text()
    check_page("07-submitted")

    # A correction notice: each item to fix with its upload beside it, then resubmission.
    first_material = application.item_version.materials.order_by("order").first()
    services.request_correction(application_id=application.pk, actor=clerk, now=now(), note="请补正",
                                items=[{"material": first_material.pk, "problem": "申请表未签字"}])
    page.goto(f"{live_server.url}/my/applications/")
    assert page.locator("table .tag.warning").count() == 1          # "your turn"
    check_page("08-mine")
    with page.expect_navigation():
        page.click(f"text={item.name}")
    fix = page.locator(".fix-list li").first
    assert "申请表未签字" in fix.inner_text()
    check_page("09-correction")
    fix.locator("input[type=file]").set_input_files(str(files["fixed.pdf"]))
    fix.locator("button[type=submit]").click()
    page.wait_for_selector("text=fixed.pdf")
    page.click("form[data-api$='/resubmit/'] button")
    page.wait_for_selector("#correction-title", state="detached")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    # The office does its part; the citizen follows the delivery message to the rating.
    services.accept_application(application_id=application.pk, actor=clerk, now=now())
    for step in application.steps.order_by("order"):
        services.approve_step(application_id=application.pk, step_id=step.pk, actor=approver, comment="同意",
                              now=now())
    services.deliver_application(application_id=application.pk, clerk=clerk, method="electronic", now=now())
    page.goto(f"{live_server.url}/my/messages/")
    check_page("10-messages")
    with page.expect_navigation():
        page.locator("a[href$='#rate']").first.click()
    assert page.locator("#rate").is_visible()
    assert page.locator("a[href$='acceptance.pdf']").count() == 1
    decision = page.locator("a[href$='approval.pdf']")               # the approval decision, to download
    assert page.request.get(live_server.url + decision.get_attribute("href")).body().startswith(b"%PDF")
    page.check("#score-2")
    page.click("#rate button[type=submit]")
    page.locator("#rate .error-summary").wait_for()
    assert page.locator("#rating-comment[aria-invalid=true]").count() == 1
    page.fill("#rating-comment", "等了很久")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#rectification-note")
    rectification = Rectification.objects.get(rating__application=application)
    check_page("11-rated")

    # The department answers; the citizen says whether the answer satisfies them.
    answer_rectification(rectification_id=rectification.pk, actor=approver, answer="已核实，已增加引导人员",
                         now=now())
    page.reload()
    assert "已增加引导人员" in page.locator("#rate blockquote").inner_text()
    page.check("#satisfied-no")
    page.click("form[data-api$='/follow-up/'] button")
    page.wait_for_selector("#follow-up-note")
    rectification.refresh_from_db()
    assert rectification.applicant_satisfied is False
    check_page("12-followed-up")


def test_an_enterprise_registers_with_its_credit_code(district, page, check_page, live_server):
    first17 = "91440300MA5F0000"[:16] + "1"
    code = first17 + uscc_check_char(first17)
    page.goto(f"{live_server.url}/accounts/register/?as=enterprise")
    page.fill("#r-name", "深圳市测试科技有限公司")
    page.fill("#r-code", first17 + ("0" if code[-1] != "0" else "1"))
    assert page.locator("#r-code-check.invalid-note").count() == 1
    page.fill("#r-code", code.lower())
    assert page.locator("#r-code-check.valid-note").count() == 1
    page.fill("#r-agent", "李经办")
    agent_id = make_id_number(66)
    page.fill("#r-agent-id", agent_id[:17] + ("1" if agent_id[17] == "0" else "0"))
    assert page.locator("#r-agent-id-check.invalid-note").count() == 1
    page.fill("#r-agent-id", agent_id)
    assert page.locator("#r-agent-id-check.valid-note").count() == 1
    page.fill("#r-phone", "13700001111")
    page.fill("#r-username", "szcs")
    page.fill("#r-password", "Portal-2026-pass")
    check_page("enterprise-register")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    enterprise = User.objects.get(username="szcs")
    assert (enterprise.credit_code, enterprise.agent_name, enterprise.agent_id_number, enterprise.role) == \
        (code, "李经办", agent_id, Role.CITIZEN)


def test_public_tracking_answers_one_message_for_any_mismatch_and_shows_nothing_personal(
        district, page, check_page, live_server):
    application = services.submit_application(actor=district["citizen"], item=district["item"], channel="online",
                                              delivery_method="electronic", now=now())
    page.goto(f"{live_server.url}/track/")
    page.fill("#t-tracking_number", application.tracking_number)
    page.fill("#t-code", "WRONG1")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    wrong = page.locator(".error-summary").inner_text()
    check_page("track-wrong")
    page.fill("#t-tracking_number", "WEB-20000101-9999")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".error-summary").inner_text() == wrong
    page.fill("#t-tracking_number", application.tracking_number)
    page.fill("#t-code", application.verification_code.lower())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    text = page.locator("main").inner_text()
    assert district["item"].name in text
    assert district["citizen"].name not in text and district["citizen"].id_number not in text
    check_page("track-found")


def test_public_decisions_mask_a_persons_name_and_show_an_enterprises(district, page, check_page, live_server):
    enterprise = UserFactory(username="ent", enterprise=True, name="深圳市示范科技有限公司")
    decided = []
    for applicant in (district["citizen"], enterprise):
        application = services.submit_application(actor=district["clerk"], item=district["item"], channel="window",
                                                  delivery_method="window", now=now(),
                                                  applicant=window_applicant(applicant))
        upload_required(application, district["clerk"])
        services.accept_application(application_id=application.pk, actor=district["clerk"], now=now())
        for step in application.steps.order_by("order"):
            services.approve_step(application_id=application.pk, step_id=step.pk, actor=district["approver"],
                                  comment="", now=now())
        decided.append(application)
    page.goto(f"{live_server.url}/decisions/")
    table = page.locator("table").inner_text()
    assert "张*" in table and "张明" not in table
    assert "深圳市示范科技有限公司" in table and enterprise.credit_code in table
    check_page("decisions")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_portal_page_on_a_phone_and_a_desktop(district, page, shots, live_server, language, sign_in):
    item, citizen = district["item"], district["citizen"]
    application = services.submit_application(actor=citizen, item=item, channel="online",
                                              delivery_method="electronic", now=now())
    first_material = application.item_version.materials.order_by("order").first()
    services.request_correction(application_id=application.pk, actor=district["clerk"], now=now(), note="请补正",
                                items=[{"material": first_material.pk, "problem": "申请表未签字"}])
    public = {"home": "/", "guides": "/guide/", "guide": f"/guide/{item.code}/", "register": "/accounts/register/",
              "track": "/track/", "decisions": "/decisions/"}
    personal = {"apply": f"/apply/{item.code}/", "mine": "/my/applications/",
                "case": f"/my/applications/{application.pk}/", "messages": "/my/messages/"}
    for signed_in, pages in ((False, public), (True, personal)):
        if signed_in:
            sign_in(citizen)
        if language == "en":
            in_english(page, live_server)
        shoot_sizes(page, live_server, shots, pages, language)


def shoot_sizes(page, live_server, shots, pages, language):
    for size_name, size in {"phone": PHONE, "desktop": DESKTOP}.items():
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert_accessible(page)
            too_wide = page.evaluate("""() => [...document.querySelectorAll("main *")]
                .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
                .map((el) => el.tagName + "#" + el.id + "." + el.className).slice(0, 5)""")
            assert not too_wide, f"{name} is wider than the screen: {too_wide}"
            page.screenshot(path=shots / f"{name}-{size_name}-{language}.png", full_page=True)


def test_a_guide_prints_on_one_a4_page(district, page, live_server):
    item = district["item"]
    item.faq = "问：可以委托他人办理吗？\n答：可以，须提交授权委托书。"
    item.save()
    publish_item(item=item)
    page.goto(f"{live_server.url}/guide/{item.code}/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_the_case_page_follows_the_case_by_itself(district, page, live_server, sign_in, settings):
    settings.CASE_REFRESH_SECONDS = 2
    application = services.submit_application(actor=district["citizen"], item=district["item"], channel="online",
                                              delivery_method="electronic", now=now())
    sign_in(district["citizen"], f"/my/applications/{application.pk}/")
    with translation.override("zh-hans"):
        accepted = str(Status.ACCEPTED.label)
    assert accepted not in page.locator("#case").inner_text()
    hand_in_materials(application, district["clerk"], now())
    services.accept_application(application_id=application.pk, actor=district["clerk"], now=now())
    page.locator("#case", has_text=accepted).wait_for(timeout=10000)   # no reload: the page followed


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_enterprise_applies_online_in_its_own_name(district, page, check_page, live_server, files, sign_in,
                                                      language):
    item = district["item"]
    enterprise = UserFactory(username="ent", enterprise=True, name="深圳市示范餐饮管理有限公司")
    sign_in(enterprise)                                              # (signing in starts with no cookies)
    if language == "en":
        in_english(page, live_server)
    page.goto(f"{live_server.url}/apply/{item.code}/")
    assert page.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-hans")
    inputs = page.locator("input[type=file][data-material]")
    inputs.nth(0).set_input_files(str(files["form.pdf"]))
    inputs.nth(1).set_input_files(str(files["id.pdf"]))
    page.check("#dm-electronic")
    page.click("[data-review]")
    page.locator("[data-review-step]").wait_for()
    review = page.locator("[data-review-step]").inner_text()
    assert enterprise.name in review and enterprise.credit_code in review
    assert "李经办" in review and enterprise.masked_agent_id_number in review
    check_page(f"enterprise-apply-review-{language}")
    with page.expect_navigation():
        page.click("[data-review-step] button[type=submit]")
    application = Application.objects.get()
    assert (application.applicant, application.applicant_credit_code, application.agent_name) == \
        (enterprise, enterprise.credit_code, "李经办")
    check_page(f"enterprise-submitted-{language}")
    page.goto(f"{live_server.url}/my/applications/")
    assert application.tracking_number in page.locator("main").inner_text()
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(f"enterprise-mine-phone-{language}")
