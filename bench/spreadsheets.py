"""The admin's spreadsheets: importing projects at the row limit, and exporting large tables.

Measures, on a fresh database (a SQLite file in a temporary directory, or with DATABASE_URL a
PostgreSQL database of its own named ``bench_spreadsheets_*``, dropped at the end):

- the import of ``MAX_IMPORT_ROWS`` projects from a CSV file: its preview (every row checked,
  nothing written) and the import itself (checked again, then created by the service);
- the CSV and XLSX exports of N projects, then of 4 × N: seconds and the peak of Python memory
  (tracemalloc) while the file is produced. A streamed export keeps that peak flat whatever the
  number of rows; the run fails when the peak at 4 × N exceeds twice the peak at N.

    make bench-spreadsheets
    .venv/bin/python bench/spreadsheets.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def configure_environment(temporary: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ["REDIS_URL"] = ""
    os.environ["SQLITE_PATH"] = str(temporary / "unused.sqlite3")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"


def database_create(temporary: Path) -> tuple[str, str]:
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(temporary / "bench.sqlite3")
    else:
        name = f"bench_spreadsheets_{uuid.uuid4().hex[:12]}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name, f"{connection.vendor} {name}"


def timed(function: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def export_once(file_format: str) -> int:
    """One export of every project; returns the file's size in bytes."""
    from portal.admin_exports import csv_response, export_rows, xlsx_response
    from projets.resources import ProjectResource

    resource = ProjectResource()
    rows = export_rows(resource, resource.get_export_queryset())
    if file_format == "csv":
        return sum(len(chunk) for chunk in csv_response(rows, "bench").streaming_content)
    response = xlsx_response(rows, "bench", "Projets")
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def export_measured(file_format: str) -> tuple[float, float, int]:
    """(seconds, peak MB of Python memory, bytes): timed once as it runs, then again under
    tracemalloc (which slows Python several times) for the memory."""
    size, seconds = timed(lambda: export_once(file_format))
    tracemalloc.start()
    export_once(file_format)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, size


def projects_create(count: int, province: Any) -> None:
    from projets.models import Project

    existing = Project.objects.count()
    Project.objects.bulk_create(
        [
            Project(
                name=f"Projet de relocalisation n° {existing + i}",
                slug=f"projet-{existing + i}",
                province=province,
                promoters="Asbl A; Coopérative B",
                source="presse (2024)",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, help="rows of the first export (5000)")
    args = parser.parse_args()
    temporary = Path(tempfile.mkdtemp(prefix="bench-spreadsheets-"))
    configure_environment(temporary)

    import django

    django.setup()
    from django.db import connection

    from portal.imports import MAX_IMPORT_ROWS
    from projets.models import Project
    from projets.resources import project_import
    from territoires.models import Province

    old_name, database = database_create(temporary)
    failures: list[str] = []
    lines: list[str] = []
    try:
        namur = Province.objects.create(
            name="Namur",
            slug="namur",
            code="NA",
            centre_latitude=Decimal("50.46690"),
            centre_longitude=Decimal("4.86720"),
        )
        data = (
            "nom;province;porteurs;source\n"
            + "".join(
                f"Projet importé n° {i};Namur;Asbl {i};presse\n" for i in range(MAX_IMPORT_ROWS)
            )
        ).encode()
        preview, preview_seconds = timed(lambda: project_import(data=data, dry_run=True))
        report, import_seconds = timed(lambda: project_import(data=data))
        if not preview.ok or report.created_count != MAX_IMPORT_ROWS:
            failures.append(f"the import failed: {(preview.errors or report.errors)[:3]}")
        lines.append(f"| import preview | {MAX_IMPORT_ROWS:,} | {preview_seconds:.2f} | – | – |")
        lines.append(
            f"| import (checked again, created) | {MAX_IMPORT_ROWS:,} "
            f"| {import_seconds:.2f} | – | – |"
        )
        Project.objects.all().delete()

        peaks: dict[tuple[str, int], float] = {}
        for count in (args.rows, 4 * args.rows):
            projects_create(count - Project.objects.count(), namur)
            for file_format in ("csv", "xlsx"):
                seconds, peak, size = export_measured(file_format)
                peaks[(file_format, count)] = peak
                lines.append(
                    f"| {file_format.upper()} export | {count:,} | {seconds:.2f} | "
                    f"{peak:.1f} | {size / 1e6:.2f} |"
                )
        for file_format in ("csv", "xlsx"):
            small, large = peaks[(file_format, args.rows)], peaks[(file_format, 4 * args.rows)]
            if large > 2 * small:
                failures.append(
                    f"the {file_format} export's memory grows with the rows: "
                    f"{small:.1f} MB for {args.rows:,}, {large:.1f} MB for {4 * args.rows:,}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(temporary, ignore_errors=True)

    print(f"Spreadsheets ({database})")
    print()
    print("| what | rows | seconds | peak Python memory (MB) | file (MB) |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(lines))
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
