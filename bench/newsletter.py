"""Sending an issue of the newsletter to many subscribers through a real SMTP server, next to a
plain smtplib loop that sends the same personalised messages, measured fairly.

An aiosmtpd server runs in a process of its own (TCP on 127.0.0.1): it counts what it accepts
and keeps nothing but sizes, and its CPU is not the measuring process's. Two paths send the
issue to the same N confirmed subscribers, in interleaved rounds (portal, loop, portal, loop…):

- the portal: ``issue_send_start`` (the task queues outbox rows and deliveries by batches; in
  the embedded default Celery runs in-process), then ``email_send_queued`` until the outbox is
  empty: every message claimed, built and sent by Django's SMTP backend, its status recorded;
- a plain smtplib loop: it renders the issue once (the portal's renderer, as the portal does
  once per run), reads the subscribers, and for each one builds with the standard library
  (``email.message.EmailMessage``) the same personalised message (their unsubscribe and
  preferences links with their token, the List-Unsubscribe headers, text and HTML parts, Date
  and Message-ID) and sends it; a new connection every ``portal.mail.SEND_BATCH`` messages, as
  the portal opens one per batch it sends. It records nothing.

Each side's rate is the median of its rounds; the ratio is the portal's median rate over the
loop's. Between rounds the outbox and the deliveries are emptied (untimed), so that every round
starts from the same state. The database is a fresh one, migrated here and dropped at the end:
a SQLite file in a temporary directory, or with DATABASE_URL (PostgreSQL) a database of its own
named ``bench_newsletter_*`` on that server, so the developer's database is never touched.
Exits 1 when a check fails or when the ratio is below ``--min-ratio`` (0.8).

    make bench-newsletter [SUBSCRIBERS=10000]
    DATABASE_URL=postgres://… make bench-newsletter
    .venv/bin/python bench/newsletter.py [--subscribers 10000] [--rounds 3] [--batch 500]
        [--min-ratio 0.8] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import multiprocessing
import os
import pstats
import resource
import shutil
import smtplib
import socket
import statistics
import sys
import tempfile
import time
import uuid
from email import policy as email_policy
from email import utils as email_utils
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

INTRODUCTION = """\
Bonjour à toutes et à tous,

Ce numéro fait le point sur trois chantiers communs qui ont avancé ce trimestre : la
**logistique partagée** entre producteurs du Condroz, la formation des cuisinier·es de
collectivités et le nouvel outil de suivi des surfaces en maraîchage. Vous y trouverez aussi les
prochaines rencontres territoriales et un appel à témoignages.

Bonne lecture, et n'hésitez pas à [nous écrire](https://example.org/contact) pour proposer un
sujet au prochain numéro.
"""

SECTIONS = [
    (
        "Logistique partagée : premier bilan après six mois",
        """\
Depuis le printemps, onze fermes du Condroz et de la Famenne mutualisent leurs tournées de
livraison vers les épiceries, les cantines et les points de retrait de Namur et de Dinant. Le
camion frigorifique acheté en commun roule quatre jours par semaine ; un agenda partagé fixe
les créneaux et chaque ferme paie au kilomètre réellement parcouru pour elle.

Les premiers chiffres sont encourageants :

- **38 %** de kilomètres en moins par rapport aux tournées séparées de l'an dernier ;
- deux nouvelles cantines scolaires approvisionnées chaque semaine ;
- un temps de livraison divisé par deux pour les petites fermes, qui regagnent une journée
  de travail au champ.

Tout n'est pas réglé pour autant. La coordination demande une personne à mi-temps, financée
jusqu'en décembre seulement, et le partage des coûts fixes (assurance, entretien) fait encore
débat. Le groupe a rédigé une [charte de fonctionnement](https://example.org/chantiers/logistique)
que d'autres territoires peuvent reprendre et adapter.

> « Ce qui a tout changé, c'est de se voir chaque lundi un quart d'heure pour caler la
> semaine. Le reste suit. » — une maraîchère de Ciney

Vous portez un projet semblable ? La cellule organise le 14 novembre un atelier d'échange de
pratiques sur la logistique du dernier kilomètre, ouvert à toutes les initiatives.
""",
    ),
    (
        "Former les cuisinier·es de collectivités aux produits locaux",
        """\
Cuisiner des légumes de saison frais, en quantité et dans un budget serré, ne s'improvise pas.
Le chantier « cuisine de collectivité » a conçu avec trois écoles hôtelières un module de
formation de quatre jours : planification des menus selon les saisons, travail des légumes
bruts, réduction du gaspillage et relations avec les producteurs.

Une première session a réuni vingt-deux personnes venues de crèches, de maisons de repos et
d'écoles de la province de Liège. Les retours soulignent surtout l'intérêt des visites de
fermes et des échanges directs avec les producteurs, qui permettent de comprendre les
contraintes de chacun (calibres, volumes minimaux, délais de commande).

Trois nouvelles sessions sont prévues :

1. en janvier à Arlon, pour la province de Luxembourg ;
2. en février à Mons, pour le Hainaut ;
3. en mars à Wavre, pour le Brabant wallon.

Les inscriptions se font par l'établissement employeur, sur la
[page de l'expertise](https://example.org/expertises/formation-collectivites). Le module est
gratuit pour les collectivités publiques ; les repas sont préparés pendant la formation avec
les produits des fermes partenaires.
""",
    ),
    (
        "Un outil commun pour suivre les surfaces en maraîchage",
        """\
Combien d'hectares de légumes sont cultivés pour le marché local en Wallonie, et où ? Personne
ne le savait précisément. Les projets du chantier « données agricoles » ont construit un
tableau de bord commun, alimenté par les fermes volontaires, qui recense les surfaces, les
cultures principales et les circuits de vente.

Les données restent la propriété des fermes : chacune choisit ce qu'elle publie, et seules les
**sommes par commune** apparaissent sur la carte publique. Les projets y trouvent de quoi
argumenter auprès des communes (besoin de terres, d'un atelier de transformation, d'un point
de vente) et repérer les fermes proches avec qui s'associer.

À ce jour, 146 fermes ont contribué, pour 312 hectares. Le tableau de bord sera présenté lors
des rencontres territoriales de décembre, avec un temps pour recueillir vos remarques :

- quelles informations vous manquent pour vos propres projets ?
- comment faciliter la mise à jour annuelle par les fermes ?
- faut-il ouvrir les données agrégées sous licence libre ?

Pour contribuer ou poser une question, écrivez à
[donnees@example.org](mailto:donnees@example.org) ; une permanence téléphonique est aussi
assurée le jeudi après-midi.
""",
    ),
]


class CountingHandler:
    """aiosmtpd handler: accepts every message, counts it and its List-Unsubscribe header, and
    keeps only its size and the number of recipients. The counters live in shared memory
    (``multiprocessing.Array``), so the measuring process reads what the server process counts.
    """

    MESSAGES, WITH_UNSUBSCRIBE, BYTES, RECIPIENTS = range(4)

    def __init__(self, counters: Any = None) -> None:
        self.counters = counters if counters is not None else multiprocessing.Array("q", 4)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        head = b"\n" + content.split(b"\r\n\r\n", 1)[0].lower()
        with self.counters.get_lock():
            self.counters[self.MESSAGES] += 1
            self.counters[self.BYTES] += len(content)
            self.counters[self.WITH_UNSUBSCRIBE] += b"\nlist-unsubscribe:" in head
            self.counters[self.RECIPIENTS] += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def snapshot(self) -> tuple[int, int, int, int]:
        """(messages, with a List-Unsubscribe header, bytes, recipients) so far."""
        with self.counters.get_lock():
            return (
                self.counters[self.MESSAGES],
                self.counters[self.WITH_UNSUBSCRIBE],
                self.counters[self.BYTES],
                self.counters[self.RECIPIENTS],
            )


def _serve(port: int, counters: Any, ready: Any, stop: Any) -> None:
    """The server process: aiosmtpd until ``stop`` is set."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection
    controller = Controller(
        CountingHandler(counters),
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        data_size_limit=0,
    )
    controller.start()
    ready.set()
    try:
        stop.wait()
    finally:
        controller.stop()


class ServerProcess:
    """The SMTP server in its own process (forked before Django is set up)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.port = free_port()
        self.handler = CountingHandler(context.Array("q", 4))
        self.ready = context.Event()
        self.stop_event = context.Event()
        self.process = context.Process(
            target=_serve,
            args=(self.port, self.handler.counters, self.ready, self.stop_event),
            daemon=True,
        )

    def start(self) -> None:
        self.process.start()
        if not self.ready.wait(30):
            self.process.kill()
            raise SystemExit("The SMTP server process did not start.")

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()

    def cpu_seconds(self) -> float:
        """CPU time of the server process so far, for the report."""
        return process_cpu(self.process.pid)


def process_cpu(pid: int | None) -> float:
    """CPU seconds of another process of this machine so far (Linux /proc; 0 if unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_pid() -> int | None:
    """The PostgreSQL backend serving this process's connection (None for SQLite, which
    runs inside this process and is counted in its CPU time)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def configure_environment(port: int, temporary: Path) -> None:
    """Before django.setup(): mail to our server, tasks in-process, settings of a developer.
    Empty strings (not removals) so that a .env file cannot bring a broker or an SMTP login
    back; DATABASE_URL is left as it is (the database is replaced by a dedicated one later)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ["REDIS_URL"] = ""
    os.environ["SQLITE_PATH"] = str(temporary / "unused.sqlite3")
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(port)
    os.environ["EMAIL_HOST_USER"] = ""
    os.environ["EMAIL_HOST_PASSWORD"] = ""
    os.environ["EMAIL_USE_TLS"] = "false"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"


def database_create(temporary: Path) -> tuple[str, str]:
    """A fresh, migrated database of its own; returns (its old name, a description)."""
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(temporary / "bench.sqlite3")
    else:
        name = f"bench_newsletter_{uuid.uuid4().hex[:12]}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name, f"{connection.vendor} {name}"


def subscribers_create(count: int) -> Any:
    """``count`` confirmed subscribers and a staff author; returns the author."""
    from django.utils import timezone

    from newsletter.models import Subscriber, token_new
    from portal.models import User

    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"abonne-{i:06d}@example.org",
                status=Subscriber.Status.CONFIRMED,
                token=token_new(),
                consent_at=now,
                consent_source="bench",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    return User.objects.create_user("redaction@example.org", is_staff=True)


def issue_create(author: Any, round_number: int) -> Any:
    """A draft issue with three sections (one per round: a sent issue cannot be sent again)."""
    from newsletter.models import Issue, Section

    issue = Issue.objects.create(
        subject="Lettre des chantiers communs — numéro 1",
        slug=f"lettre-{round_number}",
        introduction=INTRODUCTION,
        created_by=author,
    )
    Section.objects.bulk_create(
        Section(issue=issue, title=title, body=body, order=order)
        for order, (title, body) in enumerate(SECTIONS)
    )
    return issue


def clock() -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of this process (the server has its own)."""
    return time.perf_counter(), time.process_time()


class Timed:
    """Wraps a function, adding up the time spent in it and what it returns."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.seconds = 0.0
        self.cpu = 0.0
        self.calls = 0
        self.total = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = clock()
        try:
            result = self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
            self.calls += 1
        self.total += int(result or 0)
        return result


def portal_send(issue: Any, author: Any, batch: int) -> dict[str, float]:
    """Our path, from issue_send_start to an empty outbox. The eager task's after-commit
    wake-ups may send part of the mail while batches are still being queued: the time spent in
    email_send_queued, whoever calls it, is counted as sending, the rest as queueing."""
    import portal.mail
    import portal.mail.sending
    from newsletter.models import Issue
    from newsletter.services import sending
    from portal.models import OutgoingEmail

    send_queued = Timed(portal.mail.email_send_queued)
    queue_batch = Timed(sending.issue_send_batch)
    original_batch = sending.issue_send_batch

    def batch_of_size(*, issue_pk: int, **kwargs: Any) -> int:
        return int(queue_batch(issue_pk=issue_pk, **{**kwargs, "size": batch}))

    # The task imports both by name at call time (or from these modules): patch the modules
    # (portal.mail's sending module, where email_send_backlog looks it up, and the package).
    portal.mail.email_send_queued = send_queued  # type: ignore[assignment]
    portal.mail.sending.email_send_queued = send_queued  # type: ignore[assignment]
    sending.issue_send_batch = batch_of_size  # type: ignore[assignment]
    try:
        start, start_cpu = clock()
        sending.issue_send_start(issue=issue, by=author)
        # Whatever the task left (one batch per run, or a broker that was not there).
        while Issue.objects.filter(pk=issue.pk).exclude(status=Issue.Status.SENT).exists():
            if not batch_of_size(issue_pk=issue.pk):
                break
        sent_while_queueing = send_queued.total
        while OutgoingEmail.objects.queued().exists():
            if not send_queued():
                break
        end, end_cpu = clock()
    finally:
        portal.mail.email_send_queued = send_queued.function
        portal.mail.sending.email_send_queued = send_queued.function
        sending.issue_send_batch = original_batch
    return {
        "seconds": end - start,
        "cpu": end_cpu - start_cpu,
        "sending": send_queued.seconds,
        "sending_cpu": send_queued.cpu,
        "queueing": (end - start) - send_queued.seconds,
        "queueing_cpu": (end_cpu - start_cpu) - send_queued.cpu,
        "sent_while_queueing": float(sent_while_queueing),
        "batches": float(queue_batch.calls),
        "send_calls": float(send_queued.calls),
    }


def portal_checks(issue: Any, count: int, received: int, unsubscribe: int) -> list[str]:
    """What must hold after the portal's round: ``received`` and ``unsubscribe`` are what the
    server counted during that round."""
    from newsletter.models import Delivery, Issue
    from portal.models import OutgoingEmail

    failures = []
    if received != count:
        failures.append(f"the server received {received} messages, expected {count}")
    if unsubscribe != count:
        failures.append(f"{unsubscribe} of {received} messages had a List-Unsubscribe header")
    not_sent = OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).count()
    if not_sent:
        failures.append(f"{not_sent} outbox rows are not SENT")
    deliveries = Delivery.objects.filter(issue=issue)
    subscribers = deliveries.values("subscriber").distinct().count()
    with_email = deliveries.filter(email__status=OutgoingEmail.Status.SENT).count()
    if deliveries.count() != count or subscribers != count or with_email != count:
        failures.append(
            f"{deliveries.count()} deliveries for {subscribers} subscribers "
            f"({with_email} with a sent message), expected {count}"
        )
    status = Issue.objects.get(pk=issue.pk).status
    if status != Issue.Status.SENT:
        failures.append(f"the issue is {status}, expected sent")
    return failures


def portal_reset() -> None:
    """Untimed, between rounds: the next round starts with an empty outbox, as this one did."""
    from newsletter.models import Delivery
    from portal.models import OutgoingEmail

    Delivery.objects.all().delete()
    OutgoingEmail.objects.all().delete()


def smtplib_send(port: int, issue: Any, every: int) -> tuple[int, float, float]:
    """The plain loop: the issue rendered once, then per subscriber a message built with the
    standard library and sent; a new connection every ``every`` messages. Returns (messages,
    seconds, CPU seconds)."""
    from django.conf import settings
    from django.urls import reverse

    from newsletter.models import Subscriber
    from newsletter.services.rendering import ONE_CLICK, issue_render

    start, start_cpu = clock()
    rendered = issue_render(issue=issue)
    # The links of a subscriber: their token in the portal's URL patterns.
    mark = "TOKEN-MARK"
    unsubscribe_pattern = settings.SITE_URL + reverse("newsletter:unsubscribe", args=[mark])
    preferences_pattern = settings.SITE_URL + reverse("newsletter:preferences", args=[mark])
    sender = settings.DEFAULT_FROM_EMAIL
    envelope_sender = email_utils.parseaddr(sender)[1]
    domain = envelope_sender.rsplit("@", 1)[-1]
    recipients = list(
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
        .order_by("pk")
        .values_list("email", "token")
    )
    smtp = None
    try:
        for i, (address, token) in enumerate(recipients):
            if i % every == 0:
                if smtp is not None:
                    smtp.quit()
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
            unsubscribe = unsubscribe_pattern.replace(mark, token)
            preferences = preferences_pattern.replace(mark, token)
            html = rendered.html.replace(rendered.unsubscribe_mark, unsubscribe).replace(
                rendered.preferences_mark, preferences
            )
            text = rendered.text.replace(rendered.unsubscribe_mark, unsubscribe).replace(
                rendered.preferences_mark, preferences
            )
            message = EmailMessage(policy=email_policy.SMTP)
            message["Subject"] = rendered.subject
            message["From"] = sender
            message["To"] = address
            message["Date"] = email_utils.formatdate(localtime=True)
            message["Message-ID"] = email_utils.make_msgid(domain=domain)
            message["List-Unsubscribe"] = f"<{unsubscribe}>"
            message["List-Unsubscribe-Post"] = ONE_CLICK
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            smtp.send_message(message, from_addr=envelope_sender, to_addrs=[address])
    finally:
        if smtp is not None:
            smtp.quit()
    end, end_cpu = clock()
    return len(recipients), end - start, end_cpu - start_cpu


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000, help="default 10000")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each side (3)")
    parser.add_argument("--batch", type=int, default=500, help="issue_send_batch size (500)")
    parser.add_argument(
        "--min-ratio",
        type=float,
        default=0.8,
        help="exit 1 when the portal's rate over the loop's is below this (0.8)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where our path spends its time (cProfile)"
    )
    args = parser.parse_args()
    count = args.subscribers

    # Forked before Django is set up, threads started, or a database connection opened.
    server = ServerProcess()
    server.start()
    # Removed at the end: the SQLite files (the database, and the one the settings would use).
    temporary = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    configure_environment(server.port, temporary)

    import django

    django.setup()
    import portal.mail
    from portal.celery import app

    app.conf.task_always_eager = True  # the embedded default now has a worker: not here
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # eager: "no hostname"
    from django.db import connection

    failures: list[str] = []
    portal_rounds: list[dict[str, float]] = []
    loop_rounds: list[tuple[float, float]] = []
    server_cpu = {"portal": 0.0, "loop": 0.0}
    database_cpu = {"portal": 0.0, "loop": 0.0}
    size = 0
    try:
        old_name, database = database_create(temporary)
        try:
            author = subscribers_create(count)
            profiler = cProfile.Profile() if args.profile else None
            for round_number in range(1, args.rounds + 1):
                issue = issue_create(author, round_number)
                before, before_unsubscribe, before_bytes, _ = server.handler.snapshot()
                before_server = server.cpu_seconds()
                backend = database_pid()
                before_database = process_cpu(backend)
                if profiler:
                    profiler.enable()
                portal_rounds.append(portal_send(issue, author, args.batch))
                if profiler:
                    profiler.disable()
                server_cpu["portal"] += server.cpu_seconds() - before_server
                database_cpu["portal"] += process_cpu(backend) - before_database
                after, after_unsubscribe, after_bytes, _ = server.handler.snapshot()
                size = after_bytes - before_bytes
                failures += portal_checks(
                    issue, count, after - before, after_unsubscribe - before_unsubscribe
                )
                portal_reset()

                before_server = server.cpu_seconds()
                backend = database_pid()
                before_database = process_cpu(backend)
                sent, seconds, cpu = smtplib_send(server.port, issue, portal.mail.SEND_BATCH)
                server_cpu["loop"] += server.cpu_seconds() - before_server
                database_cpu["loop"] += process_cpu(backend) - before_database
                loop_rounds.append((seconds, cpu))
                received, with_unsubscribe, _, _ = server.handler.snapshot()
                if sent != count or received - after != count:
                    failures.append(
                        f"the smtplib loop sent {sent} and the server received "
                        f"{received - after} messages, expected {count}"
                    )
                if with_unsubscribe - after_unsubscribe != count:
                    failures.append("the smtplib loop sent messages without List-Unsubscribe")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        server.stop()
        shutil.rmtree(temporary, ignore_errors=True)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Newsletter to {count:,} subscribers through aiosmtpd on 127.0.0.1:{server.port} in its "
        f"own process ({database}, {args.rounds} interleaved rounds, batches of {args.batch}, "
        f"portal message of {size / max(count, 1):,.0f} bytes)"
    )
    print()
    print("| round | path | messages | seconds | msgs/s | CPU seconds |")
    print("|---|---|---:|---:|---:|---:|")
    for number, (phases, (seconds, cpu)) in enumerate(
        zip(portal_rounds, loop_rounds, strict=True), start=1
    ):
        print(
            f"| {number} | portal | {count} | {phases['seconds']:.2f} | "
            f"{rate(count, phases['seconds'])} | {phases['cpu']:.2f} |"
        )
        print(
            f"| {number} | smtplib loop | {count} | {seconds:.2f} | {rate(count, seconds)} | "
            f"{cpu:.2f} |"
        )

    def median(key: str) -> float:
        return statistics.median(phases[key] for phases in portal_rounds)

    portal_seconds = median("seconds")
    loop_seconds = statistics.median(seconds for seconds, _ in loop_rounds)
    loop_cpu = statistics.median(cpu for _, cpu in loop_rounds)
    rows = [
        ("portal: issue_send_start → all accepted", portal_seconds, median("cpu")),
        (
            f"… queueing (issue_send_batch × {median('batches'):.0f}, through the task)",
            median("queueing"),
            median("queueing_cpu"),
        ),
        (
            f"… SMTP sending (email_send_queued × {median('send_calls'):.0f})",
            median("sending"),
            median("sending_cpu"),
        ),
        ("smtplib loop (EmailMessage per subscriber)", loop_seconds, loop_cpu),
    ]
    print()
    print("Medians:")
    print()
    print("| path | messages | seconds | msgs/s | CPU seconds |")
    print("|---|---:|---:|---:|---:|")
    for path, seconds, cpu in rows:
        print(f"| {path} | {count} | {seconds:.2f} | {rate(count, seconds)} | {cpu:.2f} |")
    print()
    ratio = loop_seconds / portal_seconds if portal_seconds > 0 else 0.0
    print(
        f"Ratio: the portal sends {ratio:.2f}× as many messages per second as the smtplib loop "
        f"({rate(count, portal_seconds)} against {rate(count, loop_seconds)}, medians); "
        f"goal ≥ {args.min_ratio:.2f}."
    )
    print(
        f"In CPU time of the measuring process: the portal costs {median('cpu') / loop_cpu:.2f}× "
        f"what the loop costs ({median('cpu') * 1000 / count:.2f} against "
        f"{loop_cpu * 1000 / count:.2f} ms a message); the wall-clock ratio above is the goal."
        if loop_cpu > 0 and count
        else "No CPU time measured."
    )
    print(
        f"The after-commit wake-ups sent {median('sent_while_queueing'):.0f} of the portal's "
        f"messages while batches were still being queued (median)."
    )
    print(
        f"CPU seconds: of the measuring process; the server process used "
        f"{server_cpu['portal'] / args.rounds:.2f} s a round for the portal, "
        f"{server_cpu['loop'] / args.rounds:.2f} s for the loop"
        + (
            f"; the PostgreSQL backend {database_cpu['portal'] / args.rounds:.2f} s a round "
            f"for the portal, {database_cpu['loop'] / args.rounds:.2f} s for the loop"
            if database.startswith("postgresql")
            else ""
        )
        + f". Machine load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    print(f"Peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    if profiler:
        print()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    if ratio < args.min_ratio:
        failures.append(f"the ratio {ratio:.2f} is below {args.min_ratio:.2f}")
    for failure in failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
