"""The shipped reverse proxy: docker/nginx/default.conf.template run by Debian's nginx (as our
own process, on free ports, in a temporary prefix) in front of gunicorn started by the web
service's verb with the production settings, as docker-compose runs them.

Each client connects from its own loopback address (127.0.0.2, 127.0.0.3...): the rate limits
must count each one, whatever X-Forwarded-For it forges, and never the proxy's address.
"""

from __future__ import annotations

import gc
import http.client
import re
import shutil
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gunicorn.config
import pytest
from django.conf import settings

from tests.portal.test_processes import (
    ENTRYPOINT,
    EXAMPLE_HOST,
    ROOT,
    free_port,
    production_env,
    running,
    tail,
    wait_until,
)

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "docker" / "nginx" / "default.conf.template"
GUNICORN_CONF = ROOT / "docker" / "gunicorn.conf.py"

requires_nginx = pytest.mark.skipif(
    not NGINX.exists() or not shutil.which("openssl"),
    reason="nginx (/usr/sbin/nginx) ou openssl absent",
)


def render_template(values: dict[str, str]) -> str:
    """What the official image's envsubst does: fill the ${NAME} it is given, nothing else."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    directives = "\n".join(line.split("#")[0] for line in text.splitlines())
    assert not re.findall(r"\$\{\w+\}", directives)
    return text


# --- The limits agree everywhere ---------------------------------------------------------------


def test_the_proxy_has_the_same_body_limits_as_django() -> None:
    text = TEMPLATE.read_text()
    sizes = [int(m) * 1024 * 1024 for m in re.findall(r"client_max_body_size (\d+)m;", text)]
    assert sizes == [settings.REQUEST_BODY_MAX_BYTES, settings.UPLOAD_BODY_MAX_BYTES]
    [location] = re.findall(r"location ~ (\S+) \{", text)
    assert location == settings.UPLOAD_PATHS


def test_gunicorn_has_the_same_header_limits_as_the_proxy() -> None:
    text = TEMPLATE.read_text()
    count, size = re.search(r"large_client_header_buffers (\d+) (\d+)k;", text).groups()
    config: dict[str, object] = {}
    exec(GUNICORN_CONF.read_text(), config)
    assert config["limit_request_line"] == config["limit_request_field_size"] == 8190
    assert int(size) * 1024 >= 8190 + 2  # a line of 8190 bytes and its CRLF fit one buffer
    assert int(count) >= 4


def test_a_gunicorn_worker_freezes_what_it_loaded() -> None:
    # A hook gunicorn knows (a misspelt one would be ignored without a word), which takes the
    # loaded portal out of the collector's generations.
    config: dict[str, Any] = {}
    exec(GUNICORN_CONF.read_text(), config)
    assert "post_worker_init" in gunicorn.config.Config().settings
    gc.unfreeze()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_compose_publishes_the_proxy_only_and_gives_it_every_value_of_the_template() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    services = re.split(r"\n  (?=[a-z]+:\n)", compose.split("\nservices:\n", 1)[1])
    by_name = {block.split(":", 1)[0].strip(): block for block in services}
    assert [name for name, block in by_name.items() if "ports:" in block] == ["proxy"]
    assert "expose:" in by_name["web"]
    directives = "\n".join(line.split("#")[0] for line in TEMPLATE.read_text().splitlines())
    placeholders = set(re.findall(r"\$\{(\w+)\}", directives))
    assert len(placeholders) == 5
    for name in placeholders:
        assert re.search(rf"^\s+{name}: ", by_name["proxy"], re.M), name
    assert "PORTAL_UPSTREAM: web:8000" in by_name["proxy"]
    assert 'DJANGO_TRUSTED_PROXY_COUNT: "1"' in compose
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "/etc/nginx/templates/default.conf.template" in dockerfile


# --- nginx in front of gunicorn ----------------------------------------------------------------


@dataclass
class Stack:
    https_port: int
    http_port: int
    gunicorn_port: int
    gunicorn_log: Path
    nginx_dir: Path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not NGINX.exists() or not shutil.which("openssl"):
        pytest.skip("nginx (/usr/sbin/nginx) ou openssl absent")
    tmp = tmp_path_factory.mktemp("proxy")
    gunicorn_port, http_port, https_port = free_port(), free_port(), free_port()
    env = production_env(
        tmp,
        WEB_BIND=f"127.0.0.1:{gunicorn_port}",
        WEB_CONCURRENCY="1",  # without Redis the rate limits count per process
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    certs = tmp / "certs"
    certs.mkdir()
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-subj", f"/CN={EXAMPLE_HOST}", "-keyout", str(certs / "privkey.pem")]
    openssl += ["-out", str(certs / "fullchain.pem")]
    subprocess.run(
        openssl,
        check=True,
        capture_output=True,
        timeout=60,
    )
    nginx_dir = tmp / "nginx"
    nginx_dir.mkdir()
    (nginx_dir / "default.conf").write_text(
        render_template(
            {
                "PORTAL_UPSTREAM": f"127.0.0.1:{gunicorn_port}",
                "PROXY_HTTP_PORT": f"127.0.0.1:{http_port}",
                "PROXY_HTTPS_PORT": f"127.0.0.1:{https_port}",
                "PROXY_CERTS_DIR": str(certs),
                "PROXY_STATIC_ROOT": env["DJANGO_STATIC_ROOT"],
            }
        )
    )
    # The official image's nginx.conf, for a process of our own in a temporary prefix.
    (nginx_dir / "nginx.conf").write_text(
        f"""
daemon off;
user root;
worker_processes 1;
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/error.log warn;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {nginx_dir}/access.log;
    client_body_temp_path {nginx_dir}/body;
    proxy_temp_path {nginx_dir}/proxy;
    fastcgi_temp_path {nginx_dir}/fastcgi;
    uwsgi_temp_path {nginx_dir}/uwsgi;
    scgi_temp_path {nginx_dir}/scgi;
    include {nginx_dir}/default.conf;
}}
"""
    )
    gunicorn_log = tmp / "gunicorn.log"
    nginx_log = nginx_dir / "nginx.out"
    nginx_args = [str(NGINX), "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf")]
    nginx_args += ["-e", str(nginx_dir / "error.log")]
    with (
        running(["sh", str(ENTRYPOINT), "serve"], env=env, log=gunicorn_log) as gunicorn,
        running(nginx_args, env=env, log=nginx_log) as nginx,
    ):
        result = Stack(https_port, http_port, gunicorn_port, gunicorn_log, nginx_dir)

        def up() -> bool:
            try:
                return request(result, "GET", "/")[0] == HTTPStatus.OK
            except OSError:
                return False

        wait_until(up, proc=gunicorn, log=gunicorn_log, timeout=90, what="gunicorn behind nginx")
        assert nginx.poll() is None, tail(nginx_dir / "error.log")
        yield result


def request(
    stack: Stack,
    method: str,
    path: str,
    *,
    source: str = "127.0.0.2",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    port: int | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request through nginx over TLS, from the loopback address ``source``."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection(
        "127.0.0.1",
        port or stack.https_port,
        context=context,
        source_address=(source, 0),
        timeout=30,
    )
    try:
        conn.request(method, path, body=body, headers={"Host": EXAMPLE_HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Visitor:
    """A browser at one loopback address: keeps its cookies, sends the CSRF token."""

    def __init__(self, stack: Stack, source: str) -> None:
        self.stack = stack
        self.source = source
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, **kwargs) -> tuple[int, dict[str, str], bytes]:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, response_headers, body = request(
            self.stack, method, path, source=self.source, headers=headers, **kwargs
        )
        if "set-cookie" in response_headers:
            cookie = SimpleCookie(response_headers["set-cookie"])
            self.cookies.update({k: m.value for k, m in cookie.items()})
        return status, response_headers, body

    def subscribe(self, *, forged: str | None = None) -> int:
        if "csrftoken" not in self.cookies:
            self.call("GET", "/lettre/inscription/")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{EXAMPLE_HOST}/lettre/inscription/",
            "Origin": f"https://{EXAMPLE_HOST}",
        }
        if forged:
            headers["X-Forwarded-For"] = forged
        data = urlencode(
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "email": f"lecteur-{uuid.uuid4().hex[:10]}@example.org",
            }
        ).encode()
        return self.call("POST", "/lettre/inscription/", headers=headers, body=data)[0]


def test_pages_and_static_files_through_the_proxy(stack: Stack) -> None:
    status, _headers, body = request(stack, "GET", "/")
    assert status == HTTPStatus.OK
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
    status, headers, _ = request(stack, "GET", stylesheet)
    assert status == HTTPStatus.OK
    assert "max-age=31536000" in headers["cache-control"]
    assert "immutable" in headers["cache-control"]
    # Served by nginx itself: gunicorn never saw the stylesheet.
    assert stylesheet not in stack.gunicorn_log.read_text()

    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    conn.request("GET", "/projets/", headers={"Host": EXAMPLE_HOST})
    response = conn.getresponse()
    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    assert response.getheader("Location") == f"https://{EXAMPLE_HOST}/projets/"
    conn.close()


def test_each_visitor_is_counted_by_their_own_address_whatever_they_forge(stack: Stack) -> None:
    flooder = Visitor(stack, "127.0.0.2")
    # The newsletter form allows 5 a minute per address; each try forges another address.
    answers = [flooder.subscribe(forged=f"203.0.113.{n}") for n in range(6)]
    assert answers[:5] == [HTTPStatus.FOUND] * 5
    assert answers[5] == HTTPStatus.TOO_MANY_REQUESTS

    # Another visitor behind the same proxy is not held back by the first one's count.
    assert Visitor(stack, "127.0.0.3").subscribe() == HTTPStatus.FOUND
    assert flooder.subscribe(forged="127.0.0.4") == HTTPStatus.TOO_MANY_REQUESTS


def test_an_oversized_body_is_refused_by_the_proxy_before_gunicorn(stack: Stack) -> None:
    marker = f"/lettre/inscription/?taille={uuid.uuid4().hex}"
    body = b"email=x%40example.org&pad=" + b"x" * settings.REQUEST_BODY_MAX_BYTES
    status, _headers, page = request(
        stack,
        "POST",
        marker,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )
    assert status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Envoi trop volumineux" in page.decode()
    assert "Request too large" in page.decode()
    time.sleep(0.5)  # gunicorn writes its access log line after answering
    assert marker not in stack.gunicorn_log.read_text()


def test_the_import_pages_take_a_larger_body_through_the_proxy(stack: Stack) -> None:
    path = "/admin/projets/project/import/"
    headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
    within = b"x" * (settings.UPLOAD_BODY_MAX_BYTES - 1024)  # over 1 MiB, under 3 MiB
    status, _, _ = request(stack, "POST", path, headers=headers, body=within)
    assert status != HTTPStatus.REQUEST_ENTITY_TOO_LARGE  # Django's answer (CSRF: 403)
    over = b"x" * (settings.UPLOAD_BODY_MAX_BYTES + 1)
    status, _, _ = request(stack, "POST", path, headers=headers, body=over)
    assert status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_gunicorn_alone_refuses_a_declared_huge_body_without_reading_it(stack: Stack) -> None:
    """Were the proxy bypassed, Django still answers from the header alone: the 200 MB this
    request announces are never sent, and the answer comes all the same."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.gunicorn_port, timeout=30)
    conn.putrequest("POST", "/lettre/inscription/", skip_host=True)
    conn.putheader("Host", EXAMPLE_HOST)
    conn.putheader("X-Forwarded-Proto", "https")
    conn.putheader("Content-Type", "multipart/form-data; boundary=xyz")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Envoi trop volumineux" in response.read().decode()
    conn.close()
