"""Lighthouse (mobile) on the key pages: performance, accessibility, best practices, SEO.

A fresh SQLite database, migrated and seeded, static files collected, gunicorn with the
production settings (HTTP here, so no redirect to HTTPS) on a free port; then the
``lighthouse`` npm package (LIGHTHOUSE: its command, by default
/tmp/lh/node_modules/.bin/lighthouse; install it with ``npm install --prefix /tmp/lh
lighthouse``) drives Debian's Chromium (CHROME_PATH, by default /usr/bin/chromium), headless,
with its default mobile emulation and throttling. Nothing leaves the machine: the map's tiles
are off (MAP_TILES_URL empty). It prints the four scores of each page and, for any score below
100, the audits that cost it; it exits non-zero if a page misses the goals (100, 100, 100, 95).

    make lighthouse   (or .venv/bin/python bench/lighthouse.py)
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis_outage import ROOT, call, free_port, process

PAGES = {
    "home": "/",
    "chantier": "/chantiers/recueil-expertises/",
    "projects": "/projets/",
    "province": "/territoires/liege/",
    "event": "/evenements/rencontre-territoriale-liege-2021-06-01/",
    "map": "/carte/",
}
GOALS = {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 95}
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def main() -> int:
    lighthouse = os.environ.get("LIGHTHOUSE", "/tmp/lh/node_modules/.bin/lighthouse")
    if not Path(lighthouse).exists():
        print(f"{lighthouse} not found: npm install --prefix /tmp/lh lighthouse")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="ERROR",
        MAP_TILES_URL="",
        SQLITE_PATH=str(tmp / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        WEB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    )
    for command in (["migrate", "--noinput"], ["load_seed"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    serve = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config"]
    serve += [str(ROOT / "docker" / "gunicorn.conf.py"), "--access-logfile", "/dev/null"]
    failed = False
    rows = []
    with process(serve, env, tmp / "gunicorn.log"):
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(port, "GET", "/", headers={"Host": "127.0.0.1"})[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                print((tmp / "gunicorn.log").read_text()[-3000:])
                return 2
            time.sleep(0.3)
        for name, path in PAGES.items():
            report = tmp / f"{name}.json"
            # Lighthouse's own trace fails now and then (NO_NAVSTART, "run Lighthouse again"):
            # the page is measured again, up to three times.
            for _attempt in range(3):
                done = subprocess.run(
                    [
                        lighthouse,
                        f"http://127.0.0.1:{port}{path}",
                        "--quiet",
                        "--output=json",
                        f"--output-path={report}",
                        f"--chrome-flags={FLAGS}",
                    ],
                    env=env,
                    check=False,
                )
                result = json.loads(report.read_text()) if report.exists() else {}
                if done.returncode == 0 and not result.get("runtimeError"):
                    break
            else:
                error = result.get("runtimeError", {}).get("code", done.returncode)
                print(f"  {name}: Lighthouse failed three times ({error})")
                return 2
            scores = {key: round(100 * (result["categories"][key]["score"] or 0)) for key in GOALS}
            rows.append((name, path, scores))
            for key, goal in GOALS.items():
                if scores[key] < goal:
                    failed = True
                    refs = result["categories"][key]["auditRefs"]
                    for ref in refs:
                        audit = result["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"  {name} {key}: {ref['id']} ({audit['title']})")
    print("| page | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|")
    for name, path, scores in rows:
        print(
            f"| {name} `{path}` | {scores['performance']} | {scores['accessibility']} | "
            f"{scores['best-practices']} | {scores['seo']} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
