"""Where the sending of an issue stands: one aggregate over its deliveries' outbox statuses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from newsletter.models import Delivery, Issue
from portal.models import OutgoingEmail, uncertain_q


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    queued: int  # waiting in the outbox, or being sent right now
    failed: int
    uncertain: int = 0  # interrupted mid-send long ago: perhaps received (see portal.models)

    @property
    def percent(self) -> int:
        return round(100 * self.sent / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        """Every message settled (sent or failed): nothing waiting, nothing uncertain."""
        return self.queued == 0 and self.uncertain == 0


def progress_aggregates(prefix: str = "") -> dict[str, Count]:
    """Counts of deliveries by outbox status (``prefix`` "deliveries__" from an issue)."""
    status = f"{prefix}email__status"
    pk = f"{prefix}pk" if prefix else "pk"
    statuses = OutgoingEmail.Status
    uncertain = uncertain_q(prefix=f"{prefix}email__")
    distinct = bool(prefix)
    return {
        "progress_total": Count(pk, distinct=distinct),
        "progress_sent": Count(pk, filter=Q(**{status: statuses.SENT}), distinct=distinct),
        "progress_queued": Count(
            pk,
            filter=Q(**{f"{status}__in": [statuses.QUEUED, statuses.SENDING]}) & ~uncertain,
            distinct=distinct,
        ),
        "progress_failed": Count(pk, filter=Q(**{status: statuses.FAILED}), distinct=distinct),
        "progress_uncertain": Count(pk, filter=uncertain, distinct=distinct),
    }


def issue_progress(*, issue: Issue) -> Progress:
    """Where the sending stands, in one aggregate query over the deliveries and the outbox."""
    row = Delivery.objects.filter(issue=issue).aggregate(**progress_aggregates())
    return Progress(
        total=row["progress_total"],
        sent=row["progress_sent"],
        queued=row["progress_queued"],
        failed=row["progress_failed"],
        uncertain=row["progress_uncertain"],
    )
