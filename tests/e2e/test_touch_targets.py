"""On a phone (Lighthouse's mobile viewport, 412 × 823), every link and button of the key
pages is a touch target of at least 24 × 24 px or has the room around it (WCAG 2.2 target size,
axe's ``target-size`` rule, which the default scans leave out)."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page

PAGES = [
    "/",
    "/chantiers/recueil-expertises/",
    "/projets/",
    "/territoires/liege/",
    "/evenements/rencontre-territoriale-liege-2021-06-01/",
    "/evenements/",
    "/expertises/",
]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    call_command("load_seed", verbosity=0)


@pytest.mark.parametrize("path", PAGES)
def test_every_target_is_large_enough_on_a_phone(
    seeded: None, page: Page, live_server: Any, axe: Axe, path: str
) -> None:
    page.set_viewport_size({"width": 412, "height": 823})
    page.goto(live_server.url + path)
    results = axe.run(page, options={"runOnly": ["target-size"]})
    failures = [
        f"{' > '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]
    assert not failures, "\n".join(failures)
