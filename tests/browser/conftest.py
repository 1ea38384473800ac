"""Pages in a real headless Chromium (Debian's package), driven by Playwright."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture
def shots(tmp_path):
    """Where a test saves its screenshots (to look at when it fails)."""
    return tmp_path


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up for Chinese, as the district's users have it."""
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}
