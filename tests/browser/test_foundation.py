"""The pages' foundation as a person meets it: sign-in, the layout, and the script that turns forms into API calls."""

import pytest

from apps.applications.models import Application, Event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPLY_FORM = """(args) => {
  const form = document.createElement("form");
  form.id = "probe";
  form.noValidate = true;
  form.dataset.api = "/api/v1/applications/";
  Object.assign(form.dataset, args.data);
  form.innerHTML = `
    <input type="hidden" name="service_item" value="${args.item}">
    <input type="hidden" name="channel" value="window"><input type="hidden" name="delivery_method" value="window">
    <div class="field"><label for="p-name">姓名</label><input id="p-name" name="applicant.name"></div>
    <div class="field"><label for="p-id">身份证号</label><input id="p-id" name="applicant.id_number"></div>
    <div class="field"><label for="p-phone">手机</label><input id="p-phone" name="applicant.phone"></div>
    <button type="submit" class="button">提交</button>`;
  document.querySelector("main").append(form);
}"""


def test_a_clerk_signs_in_lands_on_the_workbench_switches_language_and_signs_out(district, sign_in, page,
                                                                                 check_page, live_server):
    sign_in(district["clerk"])
    assert page.url == f"{live_server.url}/counter/"
    assert "窗口王芳" in page.locator(".site-header").inner_text()
    assert "区政务服务中心" in page.locator("#where").inner_text()
    check_page("workbench-zh")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Sign out" in page.locator(".site-header").inner_text()
    check_page("workbench-en")
    page.click("#fontscale-toggle")
    assert page.locator("html").get_attribute("data-fontscale") == "large"
    page.reload()
    assert page.locator("html").get_attribute("data-fontscale") == "large"
    check_page("workbench-large-text")
    with page.expect_navigation():
        page.click("text=Sign out")
    assert page.url == f"{live_server.url}/"


def test_a_wrong_password_shows_a_focused_error_summary_and_the_skip_link_works(district, page, check_page,
                                                                                 live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    check_page("login")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "wrong")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_page("login-error")
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_citizen_lands_on_the_front_page_and_is_kept_out_of_the_workbench(district, sign_in, page, check_page,
                                                                             live_server):
    sign_in(district["citizen"])
    assert page.url == f"{live_server.url}/"
    page.allowed_console_errors.append("status of 403")
    response = page.goto(f"{live_server.url}/counter/")
    assert response.status == 403
    check_page("citizen-refused")


def test_a_form_becomes_an_api_call_with_errors_beside_fields_and_a_double_click_acting_once(
        district, sign_in, page, check_page, live_server):
    sign_in(district["clerk"])
    page.evaluate(APPLY_FORM, {"item": district["item"].code,
                               "data": {"redirect": "/counter/?created={tracking_number}"}})
    page.click("#probe button")
    summary = page.locator("#probe .error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#p-name[aria-invalid=true]").count() == 1
    assert page.locator("#p-name").evaluate("el => el.previousElementSibling.className") == "field-error"
    assert page.title().startswith("错误：") or page.title().startswith("Error: ")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") in {"p-name", "p-id", "p-phone"}
    check_page("api-form-errors")

    page.fill("#p-name", "王小明")
    page.fill("#p-id", district["citizen"].id_number)
    page.fill("#p-phone", "13800001111")
    with page.expect_navigation():
        page.dblclick("#probe button")
    assert Application.objects.count() == 1
    created = Application.objects.get()
    assert f"created={created.tracking_number}" in page.url
    assert Event.objects.filter(application=created, action="submitted").count() == 1


def test_after_an_action_the_page_refreshes_its_regions_without_a_reload(district, sign_in, page, live_server):
    sign_in(district["clerk"])
    page.evaluate("document.querySelector('#where').dataset.stale = 'yes'")
    page.evaluate("window.beforeReload = true")
    page.evaluate(APPLY_FORM, {"item": district["item"].code, "data": {"refresh": "#where", "focus": "#where"}})
    page.fill("#p-name", "王小明")
    page.fill("#p-id", district["citizen"].id_number)
    page.fill("#p-phone", "13800001111")
    page.click("#probe button")
    page.wait_for_selector("#where:not([data-stale])")
    assert page.evaluate("window.beforeReload") is True          # the same document: no reload
    assert page.evaluate("document.activeElement.id") == "where"
    assert page.locator("#messages .message").count() == 1


def test_a_refusal_of_the_api_is_said_at_the_top_of_the_form(district, sign_in, page, live_server):
    sign_in(district["approver"])
    page.evaluate(APPLY_FORM, {"item": district["item"].code, "data": {}})
    page.fill("#p-name", "王小明")
    page.click("#probe button")
    banner = page.locator("#probe .banner")
    banner.wait_for()
    assert banner.get_attribute("role") == "alert"
    assert Application.objects.count() == 0
