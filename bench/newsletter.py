"""Sending an issue of the newsletter to many subscribers through a real SMTP server.

An aiosmtpd server (asyncio, its own thread, TCP on 127.0.0.1) counts what it accepts and
keeps nothing but sizes. Two paths send N messages to it in the same run:

- the portal: ``issue_send_start`` (the task queues outbox rows and deliveries by batches; in
  the embedded default Celery runs in-process), then ``email_send_queued`` until the outbox is
  empty: every message claimed, built and sent by Django's SMTP backend;
- a plain smtplib loop: one connection, N copies of one rendered message of the issue (the
  same bytes but for the To line).

The database is a fresh one, migrated here and dropped at the end: a SQLite file in a temporary
directory, or with DATABASE_URL (PostgreSQL) a database of its own named ``bench_newsletter_*``
on that server, so the developer's database is never touched. Exits 1 when a check fails.

    make bench-newsletter
    .venv/bin/python bench/newsletter.py [--subscribers 10000] [--batch 500] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import resource
import shutil
import smtplib
import socket
import sys
import tempfile
import threading
import time
import uuid
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
    keeps only its size and recipients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages = 0
        self.with_unsubscribe = 0
        self.bytes = 0
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        head = b"\n" + content.split(b"\r\n\r\n", 1)[0].lower()
        with self.lock:
            self.messages += 1
            self.bytes += len(content)
            self.with_unsubscribe += b"\nlist-unsubscribe:" in head
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def snapshot(self) -> tuple[int, int, int, int]:
        with self.lock:
            return self.messages, self.with_unsubscribe, self.bytes, len(self.recipients)


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


def content_create(count: int) -> tuple[Any, Any]:
    """``count`` confirmed subscribers, a staff author and a draft issue with three sections."""
    from django.utils import timezone

    from newsletter.models import Issue, Section, Subscriber, token_new
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
    author = User.objects.create_user("redaction@example.org", is_staff=True)
    issue = Issue.objects.create(
        subject="Lettre des chantiers communs — numéro 1",
        slug="lettre-1",
        introduction=INTRODUCTION,
        created_by=author,
    )
    Section.objects.bulk_create(
        Section(issue=issue, title=title, body=body, order=order)
        for order, (title, body) in enumerate(SECTIONS)
    )
    return issue, author


def clock() -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of the whole process (client and server threads):
    the CPU figure barely moves when other programs load the machine, the wall clock does."""
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
    from newsletter.models import Issue
    from newsletter.services import sending
    from portal.models import OutgoingEmail

    send_queued = Timed(portal.mail.email_send_queued)
    queue_batch = Timed(sending.issue_send_batch)
    original_batch = sending.issue_send_batch

    def batch_of_size(*, issue_pk: int, **kwargs: Any) -> int:
        return int(queue_batch(issue_pk=issue_pk, **{**kwargs, "size": batch}))

    # The task imports both by name at call time (or from these modules): patch the modules.
    portal.mail.email_send_queued = send_queued  # type: ignore[assignment]
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
        sending.issue_send_batch = original_batch
    return {
        "total": end - start,
        "total_cpu": end_cpu - start_cpu,
        "sending": send_queued.seconds,
        "sending_cpu": send_queued.cpu,
        "queueing": (end - start) - send_queued.seconds,
        "queueing_cpu": (end_cpu - start_cpu) - send_queued.cpu,
        "sent_while_queueing": float(sent_while_queueing),
        "batches": float(queue_batch.calls),
        "send_calls": float(send_queued.calls),
    }


def portal_checks(issue: Any, count: int, received: int, unsubscribe: int) -> list[str]:
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


def sample_message() -> tuple[str, bytes]:
    """One message of the issue as the SMTP backend sends it: (sender, bytes)."""
    from django.conf import settings
    from django.core.mail.message import sanitize_address

    from portal.mail import _message
    from portal.models import OutgoingEmail

    email = OutgoingEmail.objects.order_by("pk").first()
    if email is None:
        raise SystemExit("No message was queued: nothing to send with smtplib.")
    message = _message(email, connection=None).message()
    sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
    return sender, message.as_bytes(linesep="\r\n")


def smtplib_send(port: int, count: int, sender: str, data: bytes) -> tuple[float, float]:
    """One connection, ``count`` messages: ``data`` with another To line each time."""
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    to_index = next(i for i, line in enumerate(lines) if line.lower().startswith(b"to:"))
    before = b"\r\n".join(lines[:to_index]) + b"\r\n"
    after = b"\r\n" + b"\r\n".join(lines[to_index + 1 :]) + b"\r\n\r\n" + body
    start, start_cpu = clock()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for i in range(count):
            address = f"smtplib-{i:06d}@example.org"
            smtp.sendmail(sender, [address], before + b"To: " + address.encode() + after)
    end, end_cpu = clock()
    return end - start, end_cpu - start_cpu


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000, help="default 10000")
    parser.add_argument("--batch", type=int, default=500, help="issue_send_batch size (500)")
    parser.add_argument(
        "--profile", action="store_true", help="print where our path spends its time (cProfile)"
    )
    args = parser.parse_args()
    count = args.subscribers

    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    # Removed at the end: the SQLite files (the database, and the one the settings would use).
    temporary = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    configure_environment(port, temporary)

    import django

    django.setup()
    from portal.celery import app

    app.conf.task_always_eager = True  # the embedded default now has a worker: not here
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # eager: "no hostname"
    from django.db import connection

    controller.start()
    old_name, database = database_create(temporary)
    failures: list[str] = []
    try:
        issue, author = content_create(count)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        phases = portal_send(issue, author, args.batch)
        if profiler:
            profiler.disable()
        received, unsubscribe, size, _ = handler.snapshot()
        failures += portal_checks(issue, count, received, unsubscribe)

        sender, data = sample_message()
        smtplib_seconds, smtplib_cpu = smtplib_send(port, count, sender, data)
        total_received, _, _, _ = handler.snapshot()
        if total_received - received != count:
            failures.append(
                f"the smtplib loop delivered {total_received - received} messages, expected {count}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        controller.stop()
        shutil.rmtree(temporary, ignore_errors=True)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Newsletter to {count:,} subscribers through aiosmtpd on 127.0.0.1:{port} "
        f"({database}, batches of {args.batch}, message of {len(data):,} bytes)"
    )
    print()
    total = phases["total"]
    rows = [
        ("portal: issue_send_start → all accepted", total, phases["total_cpu"]),
        (
            f"… queueing (issue_send_batch × {phases['batches']:.0f}, through the task)",
            phases["queueing"],
            phases["queueing_cpu"],
        ),
        (
            f"… SMTP sending (email_send_queued × {phases['send_calls']:.0f})",
            phases["sending"],
            phases["sending_cpu"],
        ),
        ("smtplib loop (one connection)", smtplib_seconds, smtplib_cpu),
    ]
    print("| path | messages | seconds | msgs/s | CPU seconds |")
    print("|---|---:|---:|---:|---:|")
    for path, seconds, cpu in rows:
        print(f"| {path} | {count} | {seconds:.2f} | {rate(count, seconds)} | {cpu:.2f} |")
    print()
    print(
        f"Ratio: the smtplib loop sends {total / smtplib_seconds:.1f}× as many messages per "
        f"second as the portal ({rate(count, smtplib_seconds)} against {rate(count, total)}); "
        f"{phases['total_cpu'] / smtplib_cpu:.1f}× in CPU time."
    )
    print(
        f"The after-commit wake-ups sent {phases['sent_while_queueing']:.0f} of the portal's "
        f"messages while batches were still being queued; the server took {size / 1e6:,.1f} MB "
        f"from the portal."
    )
    print(
        f"CPU seconds: of the whole process (client and SMTP server threads); machine load "
        f"average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    print(f"Peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    if profiler:
        print()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(40)
    for failure in failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
