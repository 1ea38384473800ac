"""Pages keep to the Content-Security-Policy: no violation, under the policy as deployed."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation (and its console error) kept for the test to check."""
    errors = []  # the base layout's favicon is the page layout's business; here: what the policy refused
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.add_init_script(RECORD_VIOLATIONS)

    def problems():
        return errors + page.evaluate("window.__cspViolations")
    page.problems = problems
    return page


def test_the_front_page_and_its_language_menu_keep_to_the_policy(live_server, watched):
    response = watched.goto(live_server.url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    with watched.expect_navigation():
        watched.select_option("#lang-select", "en")
    assert "every service of the district" in watched.locator("h1").inner_text()
    assert watched.problems() == []


def test_the_administration_keeps_to_the_policy(live_server, watched):
    UserFactory(username="root", role="admin", is_staff=True, is_superuser=True, id_number="")
    watched.goto(f"{live_server.url}/admin/login/")
    watched.fill("#id_username", "root")
    watched.fill("#id_password", "demo12345")
    watched.click("input[type=submit]")
    watched.goto(f"{live_server.url}/admin/applications/application/")
    watched.goto(f"{live_server.url}/admin/accounts/user/add/")
    assert watched.problems() == []


def test_the_api_documentation_keeps_to_the_policy(live_server, watched):
    watched.goto(f"{live_server.url}/api/docs/")
    watched.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert watched.problems() == []
