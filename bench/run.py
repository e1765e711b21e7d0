"""Query counts of the public pages on the seed content: a fresh SQLite file, migrated and
seeded, then each page fetched twice by an anonymous client (the second fetch is counted).

    make bench        (or .venv/bin/python bench/run.py)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/chantiers/",
    "/chantiers/pistes/",
    "/chantiers/echeancier/",
    "/chantiers/approche-territoriale/",
    "/chantiers/recueil-expertises/",
    "/projets/",
    "/projets/atelier-de-pain-durable/",
    "/territoires/",
    "/territoires/liege/",
    "/territoires/liege/contact/",
    "/evenements/",
    "/evenements/rencontre-territoriale-liege-2021-06-01/",
    "/expertises/",
    "/expertises/ateliers-proposes/",
    "/actualites/",  # the seed has no news: no detail page to count
    "/lettre/",  # the archive (the seed has no issue: no issue page to count)
    "/lettre/inscription/",
    "/carte/",
    # The map's layers: the second fetch is served from the cache (no query at all).
    "/carte/projets.geojson",
    "/carte/evenements.geojson",
    "/carte/facilitateurs.geojson",
    "/recherche/?q=liege",
    "/recherche/?q=atelier&type=etapes",
    "/donnees/",
    "/donnees/catalogue.jsonld",
    "/donnees/projets.csv",
    "/donnees/chantiers.json",
    "/donnees/evenements.geojson",
    "/api/v1/projets/?province=liege",
    "/api/v1/chantiers/",
]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["SQLITE_PATH"] = str(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="127.0.0.1")
    print("| page | status | queries |")
    print("|---|---|---|")
    for page in PAGES:
        client.get(page)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        print(f"| `{page}` | {response.status_code} | {len(queries.captured_queries)} |")


if __name__ == "__main__":
    main()
