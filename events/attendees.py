"""Attendee management for an event's organisers: the list, exports, attendance and messages.

Permission checks are the caller's (the views start from ``events_manageable_by``); these
functions take an event the caller may manage. Cancelling on someone's behalf is
``events.services.registration_cancel(registration=…, by=organiser)``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from events.models import Event, Registration
from events.selectors import registrations_of_event
from portal.mail import email_queue
from portal.models import User

logger = logging.getLogger(__name__)


SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000


# --- Selectors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeCounts:
    confirmed: int
    waiting: int
    cancelled: int
    capacity: int | None


def attendees_of_event(*, event: Event) -> list[Registration]:
    """Every registration of the event, in the organisers' order, in one query."""
    return list(registrations_of_event(event=event))


def attendee_counts(*, event: Event, registrations: Iterable[Registration]) -> AttendeeCounts:
    """Counted from the rows already loaded: the page needs no second query."""
    statuses = [registration.status for registration in registrations]
    return AttendeeCounts(
        confirmed=statuses.count(Registration.Status.CONFIRMED),
        waiting=statuses.count(Registration.Status.WAITING),
        cancelled=statuses.count(Registration.Status.CANCELLED),
        capacity=event.capacity,
    )


# --- Exports ---------------------------------------------------------------------------------

# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and
# carriage return, may shift it into one): a registrant could type « =HYPERLINK(…) » as
# remarks. A leading apostrophe makes it plain text (OWASP « CSV injection »).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """A text cell that no spreadsheet will run as a formula; other values as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def attendee_headers() -> list[str]:
    return [
        _("Statut"),
        _("Position en liste d'attente"),
        _("Nom"),
        _("Adresse e-mail"),
        _("Projet ou organisation"),
        _("Besoins / remarques"),
        _("Inscrit·e le"),
        _("Présence"),
    ]


def _attendance_label(attended: bool | None) -> str:
    if attended is None:
        return ""
    return _("Présent·e") if attended else _("Absent·e")


def attendee_row(registration: Registration) -> list[Any]:
    """One registration as export cells (the date as a Brussels-time naive datetime)."""
    registered_at = timezone.localtime(registration.registered_at).replace(tzinfo=None)
    position = getattr(registration, "waiting_position", None)
    return [
        registration.get_status_display(),
        position if position is not None else "",
        registration.user.get_full_name(),
        registration.user.email,
        registration.coming_for,
        registration.remarks,
        registered_at.replace(second=0, microsecond=0),
        _attendance_label(registration.attended),
    ]


def attendees_csv(*, registrations: Sequence[Registration]) -> bytes:
    """UTF-8 with a BOM and « ; » between cells: what Excel opens as is in Belgium."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(attendee_headers())
    for registration in registrations:
        row = attendee_row(registration)
        row[6] = row[6].strftime("%d/%m/%Y %H:%M")
        writer.writerow([cell_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_XLSX_WIDTHS = (22, 12, 28, 34, 34, 50, 18, 12)


def attendees_xlsx(*, event: Event, registrations: Sequence[Registration]) -> bytes:
    """One sheet, a bold header row that stays in view, readable column widths."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles: at most 31 characters, none of []:*?/\ .
    sheet.title = _("Inscrit·es")
    sheet.append(attendee_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for registration in registrations:
        row = []
        for value in attendee_row(registration):
            if isinstance(value, str):
                # Control characters pasted into remarks would make openpyxl refuse the file.
                value = cell_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
            row.append(value)
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=7).number_format = "DD/MM/YYYY HH:MM"
    for index, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- Attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *, by: User, event: Event, present_ids: Iterable[int], absent_ids: Iterable[int]
) -> int:
    """Record who came, in one go; returns the number of registrations updated.

    Only the event's confirmed registrations are marked: other ids (another event's, a
    registration cancelled meanwhile) are ignored. Allowed at any time, not only from the
    event's day: organisers tick the list at the door and correct it days later; the page
    says so before the event. Registrations left out keep what they had.
    """
    present = {int(pk) for pk in present_ids}
    absent = {int(pk) for pk in absent_ids}
    if present & absent:
        raise ValidationError(
            _("Une même personne ne peut pas être à la fois présente et absente."),
            code="present_and_absent",
        )
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    now = timezone.now()  # update() skips auto_now
    updated = 0
    if present:
        updated += confirmed.filter(pk__in=present).update(attended=True, updated_at=now)
    if absent:
        updated += confirmed.filter(pk__in=absent).update(attended=False, updated_at=now)
    logger.info(
        "Attendance of event %s marked by user %s: %s registrations", event.pk, by.pk, updated
    )
    return updated


# --- Messages --------------------------------------------------------------------------------


class Recipients:
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    BOTH = "both"

    STATUSES = {
        CONFIRMED: [Registration.Status.CONFIRMED],
        WAITING: [Registration.Status.WAITING],
        BOTH: [Registration.Status.CONFIRMED, Registration.Status.WAITING],
    }


@dataclass(frozen=True)
class MessageResult:
    recipients: int  # the people the message is for
    queued: int  # those queued by this call (0 when the same message was already sent)


def _message_bodies(*, event: Event, body: str) -> tuple[str, str]:
    from django.conf import settings

    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    why = _("Vous recevez ce message parce que vous êtes inscrit·e à « %(title)s ».") % {
        "title": event.title
    }
    signature = _("Chantiers communs – Cellule Manger Demain")
    text = f"{body}\n\n-- \n{why}\n{url}\n{signature}\n"
    html = (
        f"{linebreaks(escape(body))}\n<hr>\n<p>{escape(why)}<br>"
        f'<a href="{escape(url)}">{escape(url)}</a><br>{escape(signature)}</p>\n'
    )
    return text, html


@transaction.atomic
def event_message_send(
    *,
    by: User,
    event: Event,
    subject: str,
    body: str,
    recipients: str,
    message_id: str,
) -> MessageResult:
    """Queue one email per registrant of the chosen group, through the durable outbox.

    ``message_id`` is drawn when the form is shown: the outbox keeps one email per key and
    recipient, so the same form posted twice (a double click, a reload) sends nothing twice.
    """
    subject = " ".join(subject.split())
    body = body.strip()
    if not subject:
        raise ValidationError({"subject": _("Indiquez l'objet du message.")})
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": _("L'objet ne peut pas dépasser %(max)s caractères.")
                % {"max": SUBJECT_MAX_LENGTH}
            }
        )
    if not body:
        raise ValidationError({"body": _("Écrivez le message.")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Le message ne peut pas dépasser %(max)s caractères.")
                % {"max": BODY_MAX_LENGTH}
            }
        )
    if recipients not in Recipients.STATUSES:
        raise ValidationError({"recipients": _("Choisissez à qui envoyer le message.")})

    emails = list(
        Registration.objects.filter(
            event=event, status__in=Recipients.STATUSES[recipients], user__is_active=True
        )
        .exclude(user__email="")
        .order_by("pk")
        .values_list("user__email", flat=True)
    )
    if not emails:
        raise ValidationError(
            {"recipients": _("Personne n'est inscrit·e dans ce groupe : aucun message envoyé.")},
            code="no_recipients",
        )
    text, html = _message_bodies(event=event, body=body)
    headers = {"Reply-To": by.email} if getattr(by, "email", "") else None
    queued = 0
    for email in emails:
        sent = email_queue(
            to=email,
            subject=subject,
            body_text=text,
            body_html=html,
            key=f"event-message-{message_id}",
            headers=headers,
        )
        queued += sent is not None
    logger.info(
        "Message %s on event %s by user %s: %s recipients, %s queued",
        message_id,
        event.pk,
        by.pk,
        len(emails),
        queued,
    )
    return MessageResult(recipients=len(emails), queued=queued)
