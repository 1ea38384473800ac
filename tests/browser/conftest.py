"""Pages in a real headless Chromium (Debian's package), driven by Playwright.

Every test gets a `page` that fails the test on any console error or uncaught script error (a missing
favicon counts), `check_page` to run axe-core (no serious or critical violation) and save a screenshot
under var/screenshots/, and `sign_in` to sign a person in through the real sign-in page.
"""

import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from apps.accounts.models import Role
from tests.factories import DepartmentFactory, HallFactory, ServiceItemFactory, UserFactory, WindowFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "demo12345"
BLOCKING = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up for Chinese, as the district's users have it, on a counter's 1366×768 screen."""
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 768}}


# Chromium logs every non-2xx answer to fetch() as a console error. An API refusal (400, 403, 404, 409, 413,
# 429) is an answer the page shows to the person, not a fault of the page: those alone are let through.
API_REFUSAL = re.compile(r"status of (400|403|404|409|413|429) ")


def _is_api_refusal(msg) -> bool:
    return "/api/v1/" in msg.location.get("url", "") and API_REFUSAL.search(msg.text) is not None


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on a console error or an uncaught exception in a script.

    A test that expects an error page says so: `page.allowed_console_errors.append("status of 403")`.
    """
    problems = []
    page.allowed_console_errors = []

    def on_console(msg):
        if msg.type == "error" and not _is_api_refusal(msg):
            problems.append(f"console error: {msg.text} {msg.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    yield page
    left = [p for p in problems if not any(allowed in p for allowed in page.allowed_console_errors)]
    assert not left, "\n".join(left)


@pytest.fixture
def shots(request):
    """Where this test saves its screenshots: var/screenshots/<test>/ (git ignores var/)."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


_axe = Axe()


def assert_accessible(page, *, exclude=()):
    """axe-core on the page as it is now: no serious or critical violation."""
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = _axe.run(page, context=context)
    bad = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not bad, "\n".join(f"{v['impact']} {v['id']}: {v['help']} at "
                              f"{[n['target'] for n in v['nodes']][:5]}" for v in bad)


@pytest.fixture
def check_page(page, shots):
    """`check_page("name")`: axe-core on the current page, then a full-page screenshot `name.png`."""
    def check(name):
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        page.screenshot(path=shots / f"{name}.png", full_page=True)
    return check


@pytest.fixture
def sign_in(page, live_server):
    """`sign_in(user)`: through the real sign-in page; returns the page it landed on."""
    def go(user, next_url=""):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return page
    return go


@pytest.fixture
def district(db):
    """A district to work in: a department with an item (3 materials, 2 steps), two halls, one person per role."""
    department = DepartmentFactory(code="SAMR", name="市场监督管理局")
    hall = HallFactory(code="QZX", name="区政务服务中心")
    other_hall = HallFactory(code="DC", name="东城街道便民服务中心", level="street")
    window = WindowFactory(hall=hall, number="01")
    other_window = WindowFactory(hall=other_hall, number="01")
    item = ServiceItemFactory(code="000104002000", name="食品经营许可", department=department,
                              promised_limit_days=5, legal_limit_days=20, max_visits=1,
                              visit_reason="须现场核验")
    people = {
        "citizen": UserFactory(username="citizen", role=Role.CITIZEN, name="张明"),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, name="窗口王芳", hall=hall, window=window,
                             id_number=""),
        "other_clerk": UserFactory(username="clerk2", role=Role.CLERK, name="窗口赵强", hall=other_hall,
                                   window=other_window, id_number=""),
        "approver": UserFactory(username="approver", role=Role.APPROVER, name="审批刘洋", department=department,
                                id_number=""),
        "manager": UserFactory(username="manager", role=Role.MANAGER, name="科长陈静", department=department,
                               id_number=""),
    }
    return {"department": department, "hall": hall, "other_hall": other_hall, "window": window, "item": item,
            **people}
