"""The figure of the outbox: what needs an eye, with the admin's list of each state."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dashboard.selectors.base import (
    Figure,
    Row,
    Scope,
)
from portal.models import OutgoingEmail, uncertain_q


def figure_outbox(*, scope: Scope, now: datetime.datetime) -> Figure:
    """The messages that need an eye: queued, being sent, uncertain (interrupted mid-send)
    and failed, each with the outbox's list filtered on it."""
    status = OutgoingEmail.Status
    uncertain = uncertain_q(now=now)
    counts = OutgoingEmail.objects.aggregate(
        queued=Count("pk", filter=Q(status=status.QUEUED)),
        sending=Count("pk", filter=Q(status=status.SENDING) & ~uncertain),
        uncertain=Count("pk", filter=uncertain),
        failed=Count("pk", filter=Q(status=status.FAILED)),
    )
    changelist = reverse("admin:portal_outgoingemail_changelist")
    states = (
        ("queued", status.QUEUED, _("En attente")),
        ("sending", "in_progress", _("Envoi en cours")),
        ("uncertain", "uncertain", _("Incertains")),
        ("failed", status.FAILED, _("En échec")),
    )
    rows = tuple(
        Row(label=label, values=(counts[key],), url=f"{changelist}?etat={value}")
        for key, value, label in states
    )
    return Figure(
        slug="boite-envoi",
        title=_("Boîte d'envoi des e-mails"),
        description=_(
            "Les messages en attente, en cours d'envoi, incertains (interrompus pendant "
            "l'envoi : peut-être reçus) et en échec ; chaque ligne mène à leur liste."
        ),
        row_heading=_("État"),
        series=(_("Messages"),),
        rows=rows,
    )
