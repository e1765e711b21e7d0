"""Browser harness: Playwright drives Debian's Chromium against the live server, with axe scans.

Every test in this folder is marked ``browser``. Requests to any other host than the live
server are aborted (map tiles cannot load here, and a test must not depend on the network).
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route

# Playwright's sync API keeps an event loop running in the test thread; Django refuses ORM
# calls from such a thread unless told it is safe, which it is here (one test at a time).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_DIR = Path(__file__).resolve().parent
# Moderate and minor findings are reported by axe but do not fail a test.
BLOCKING_IMPACTS = ("serious", "critical")
PAGE_TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be there before `-m "not browser"` deselects.
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium (never a downloaded one: `playwright install` is not used)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium absent (/usr/bin/chromium): tests de navigateur ignorés")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Relative URLs (``page.goto("/")``) go to the live server. This also replaces
    pytest-playwright's fallback fixture, a method that pytest 9 warns about."""
    return live_server.url


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings: Any, live_server: Any) -> None:
    """Links in emails (the portal's and allauth's) start with SITE_URL: the live server here."""
    settings.SITE_URL = live_server.url


# The browser asks for French, as the portal's people do (Chromium would say en-US).
LOCALE = "fr-BE"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": LOCALE}


@pytest.fixture
def page(page: Page, live_server: Any) -> Page:
    """Playwright's page, allowed to reach the live server only."""
    allowed = urlsplit(live_server.url).netloc

    def only_live_server(route: Route) -> None:
        if urlsplit(route.request.url).netloc == allowed:
            route.fallback()
        else:
            route.abort()

    page.route("**/*", only_live_server)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def blocking_violations(response: dict[str, Any]) -> list[str]:
    """One line per serious or critical axe violation: rule id, impact, help, targets."""
    lines = []
    for violation in response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = "; ".join(
            " > ".join(map(str, node["target"])) for node in violation.get("nodes", [])
        )
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation.get('help', '')} [{targets}]"
        )
    return lines


@pytest.fixture
def assert_accessible(axe: Axe) -> Callable[..., None]:
    """``assert_accessible(page)`` scans the current document with axe-core and fails on every
    serious or critical violation; ``context`` narrows the scan (an axe context selector)."""

    def check(page: Page, context: str | list | dict | None = None) -> None:
        results = axe.run(page, context=context)
        lines = blocking_violations(results.response)
        assert not lines, f"{len(lines)} accessibility violation(s) on {page.url}:\n" + "\n".join(
            lines
        )

    return check
