"""What the accessibility statement and the legal notice say, read from the settings.

Public bodies in Wallonia publish an accessibility statement (directive (EU) 2016/2102, decree
of 2 May 2019) and a legal notice. What depends on the deployment (conformance found by the
last audit and its date, who publishes, who hosts, where to write) comes from the settings
(``ACCESSIBILITY_*``, ``LEGAL_*``, documented in ``.env.example``); what the code base itself
does to check its accessibility is described in the template, next to the tests that do it.
A value that cannot be read never breaks the page: an unknown status is stated as "not
conformant" (the claim nobody can dispute) and a bad date as unknown; ``hub.checks`` reports
both at start.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FULL, PARTIAL, NONE = "full", "partial", "none"


def status_labels() -> dict[str, Promise]:
    return {
        FULL: _("totalement conforme"),
        PARTIAL: _("partiellement conforme"),
        NONE: _("non conforme"),
    }


def audit_date() -> datetime.date | None:
    """The date of the last audit, or None when the setting is not a YYYY-MM-DD date."""
    try:
        return datetime.date.fromisoformat(str(settings.ACCESSIBILITY_AUDIT_DATE))
    except ValueError:
        return None


def status() -> str:
    value = str(settings.ACCESSIBILITY_STATUS).strip().lower()
    return value if value in status_labels() else NONE


@dataclass(frozen=True)
class Accessibility:
    status: str
    status_label: Promise
    audit_date: datetime.date | None
    audit_note: str
    contact_email: str


def accessibility_statement() -> Accessibility:
    current = status()
    return Accessibility(
        status=current,
        status_label=status_labels()[current],
        audit_date=audit_date(),
        audit_note=str(settings.ACCESSIBILITY_AUDIT_NOTE).strip(),
        contact_email=str(
            settings.ACCESSIBILITY_CONTACT_EMAIL or settings.LEGAL_CONTACT_EMAIL
        ).strip(),
    )


@dataclass(frozen=True)
class LegalNotice:
    publisher: str
    publisher_parent: str
    publisher_address: str
    contact_email: str
    host: str
    licence_name: str
    licence_url: str


def legal_notice() -> LegalNotice:
    return LegalNotice(
        publisher=str(settings.LEGAL_PUBLISHER).strip(),
        publisher_parent=str(settings.LEGAL_PUBLISHER_PARENT).strip(),
        publisher_address=str(settings.LEGAL_PUBLISHER_ADDRESS).strip(),
        contact_email=str(settings.LEGAL_CONTACT_EMAIL).strip(),
        host=str(settings.LEGAL_HOST).strip(),
        licence_name=settings.OPEN_DATA_LICENSE_NAME,
        licence_url=settings.OPEN_DATA_LICENSE_URL,
    )
