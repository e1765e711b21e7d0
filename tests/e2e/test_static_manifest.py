"""The maps under the production static storage: collectstatic into a temporary STATIC_ROOT
with the manifest storage (hashed names, WhiteNoise serving them), then every marker, cluster
and script of the map loads in a browser.

Leaflet guesses its default icons' folder from leaflet.css and cannot once the files are
renamed (every marker was a broken image); our markers' addresses come from the static storage
itself (portal.maps). The live server here serves no static file of its own (pytest-django's
serves the sources, which would hide the problem): WhiteNoise does, from STATIC_ROOT, as in
production.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.utils import timezone
from playwright.sync_api import Browser, Route, expect

from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def no_static_handler(application):
    """In place of Django's live server static files handler: WhiteNoise serves /static/."""
    return application


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (root / "staticfiles.json").exists()
    return root


@pytest.fixture
def production_server(static_root: Path, transactional_db: None) -> Iterator[str]:
    with override_settings(
        STATIC_ROOT=static_root, STORAGES=PRODUCTION_STATIC, WHITENOISE_AUTOREFRESH=False
    ):
        server = LiveServerThread("localhost", no_static_handler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://localhost:{server.port}"
        finally:
            server.terminate()


def test_markers_load_under_the_manifest_storage(production_server: str, browser: Browser) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege")
    for i in range(3):  # close together: a cluster
        ProjectFactory(
            name=f"Projet {i}",
            province=liege,
            latitude=Decimal("50.6") + Decimal(i) / 1000,
            longitude=Decimal("5.5"),
        )
    ProjectFactory(name="Projet isolé", province=liege, latitude=Decimal("50.1"))
    event = EventFactory(
        title="Rencontre de Liège",
        province=liege,
        start=timezone.now() + datetime.timedelta(days=3),
        latitude=Decimal("50.3"),
        longitude=Decimal("5.9"),
    )
    FacilitatorFactory(provinces=[liege])
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    failed: list[str] = []
    page.route(
        "**/*",
        lambda route: _only(route, production_server),
    )
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and "/static/" in response.url
            else None
        ),
    )
    page.on(
        "requestfailed",
        lambda request: (
            failed.append(f"failed {request.url} ({request.failure})")
            # Tiles from elsewhere are aborted on purpose; a request the browser gave up itself
            # (the favicon still loading when the next page is asked for) is no failure of the
            # server: a static file it cannot serve answers 404, caught above.
            if request.url.startswith(production_server) and request.failure != "net::ERR_ABORTED"
            else None
        ),
    )

    try:
        for path, map_id in (("/carte/", "carte"), (event.get_absolute_url(), "event-map")):
            page.goto(production_server + path)
            expect(page.locator(f"#{map_id}")).to_have_attribute("data-ready", "true")
            icons = page.locator(f"#{map_id} img.leaflet-marker-icon")
            expect(icons.first).to_be_visible()
            sources = icons.evaluate_all(
                "imgs => imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])"
            )
            assert sources, path
            for source, width in sources:
                # A hashed name from the manifest, loaded (a broken image has no width).
                assert "/static/img/map/" in source and source.count(".") >= 2, source
                assert width, f"broken marker image: {source}"
            scripts = page.locator("script[src]").evaluate_all("s => s.map(x => x.src)")
            assert all(urlsplit(src).path.count(".") >= 2 for src in scripts), scripts
        expect(page.locator("#carte .map-cluster")).to_have_count(0)  # the event page has none
        page.goto(production_server + "/carte/?couches=&couches=projets")
        expect(page.locator("#carte .map-cluster").first).to_be_visible()
    finally:
        context.close()
    assert failed == []


def _only(route: Route, base: str) -> None:
    if route.request.url.startswith(base):
        route.fallback()
    else:
        route.abort()
