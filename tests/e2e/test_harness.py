"""The browser harness itself: Chromium starts, the live server answers, axe can fail a test."""

import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect


def test_home_page_loads_and_passes_the_accessibility_scan(
    page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    # A relative URL: base_url is the live server's.
    response = page.goto("/")
    assert response is not None
    assert response.status == HTTPStatus.OK
    expect(page.locator("main")).to_be_visible()
    assert_accessible(page)


def test_accessibility_scan_fails_on_a_serious_violation(
    page: Page, assert_accessible: Callable[..., None]
) -> None:
    # An image without alternative text is a critical violation (rule image-alt).
    page.set_content('<html lang="fr"><title>t</title><main><img src="data:,"></main></html>')
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page)


@pytest.fixture
def other_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on another port, which records the paths it is asked for."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(HTTPStatus.OK)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_requests_to_other_hosts_are_aborted(
    page: Page, live_server: Any, other_server: tuple[str, list[str]]
) -> None:
    other_url, hits = other_server
    finished: list[str] = []
    failed: list[str] = []
    page.on("requestfinished", lambda request: finished.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    stylesheet = f"{live_server.url}/static/css/portal.css"
    page.set_content(
        f'<link rel="stylesheet" href="{stylesheet}"><img src="{other_url}/tile.png" alt="">'
    )
    page.wait_for_load_state("load")
    assert hits == []
    assert failed == [f"{other_url}/tile.png"]
    assert finished == [stylesheet]
