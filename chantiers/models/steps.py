"""Steps of a chantier's échéancier: status, periods, the event that carries them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models.chantiers import Chantier
from chantiers.periods import Period, Precision, period_end, period_start
from portal.history import PortalHistoricalRecords

if TYPE_CHECKING:
    pass


EVENT_PUBLISHED = "published"
EVENT_CANCELLED = "cancelled"
# Events anyone may open: a step links to its event only then.
EVENT_PUBLIC = (EVENT_PUBLISHED, EVENT_CANCELLED)


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


class StepQuerySet(models.QuerySet["Step"]):
    def with_current_status(self, now: datetime.datetime | None = None) -> StepQuerySet:
        """Annotate ``effective_status``, the status the step shows (see Step.status_at)."""
        now = now or timezone.now()
        published = Q(event__status=EVENT_PUBLISHED)
        took_place = published & (
            Q(event__end__lt=now) | Q(event__end__isnull=True, event__start__lt=_start_of_day(now))
        )
        under_way = (
            published
            & Q(event__start__lte=now)
            & (
                Q(event__end__gte=now)
                | Q(event__end__isnull=True, event__start__gte=_start_of_day(now))
            )
        )
        open_status = Q(status__in=[Step.Status.PLANNED, Step.Status.ONGOING])
        return self.annotate(
            effective_status=Case(
                When(open_status & took_place, then=Value(Step.Status.DONE.value)),
                When(
                    Q(status=Step.Status.PLANNED) & under_way, then=Value(Step.Status.ONGOING.value)
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )


class Step(models.Model):
    """One step of a chantier's timeline ("échéancier").

    Its status is what staff state; a date alone never makes it done. Only the event that
    carries a step moves it on: a step that is planned or ongoing is done once its event took
    place (published, not cancelled, and over), and ongoing while the event runs. Its time is
    its own period (a day, a month, a quarter, a semester or a year, or from one to another),
    else its event's days; a continuous step ("en continu") runs from its start, if known, on.
    """

    Precision = Precision

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        ONGOING = "ongoing", _("En cours")
        DONE = "done", _("Réalisée")
        POSTPONED = "postponed", _("Reportée")
        CANCELLED = "cancelled", _("Annulée")

    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(
        _("début"),
        null=True,
        blank=True,
        help_text=_("Pour une période (mois, semestre…), n'importe quel jour de la période."),
    )
    end_date = models.DateField(
        _("fin"),
        null=True,
        blank=True,
        help_text=_("Laisser vide pour un seul jour ou une seule période."),
    )
    date_precision = models.CharField(
        _("précision des dates"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("« Semestre » pour « au 2e semestre 2021 » : jamais de jours inventés."),
    )
    is_continuous = models.BooleanField(
        _("en continu"),
        default=False,
        help_text=_("Une étape menée en continu : sans fin, avec un début s'il est connu."),
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_(
            "Le statut annoncé. Une date passée ne rend jamais une étape « réalisée » ; "
            "une étape portée par un événement l'est quand l'événement a eu lieu."
        ),
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("événement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
        help_text=_("L'atelier ou la rencontre qui réalise cette étape."),
    )
    # When the row last changed: the open data's last-modified dates rest on it.
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = StepQuerySet.as_manager()
    history = PortalHistoricalRecords(
        excluded_fields=["updated_at"], verbose_name=_("historique de l'étape")
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes (échéancier)")
        ordering = ["chantier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chantier", "order"], name="step_unique_order"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | (Q(start_date__isnull=False) & Q(end_date__gte=models.F("start_date"))),
                name="step_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(is_continuous=False) | Q(end_date__isnull=True),
                name="step_continuous_has_no_end",
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=Precision.values), name="step_precision_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chantier} – {self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.chantier.get_absolute_url()}#etape-{self.order}"

    def clean(self) -> None:
        super().clean()
        if self.end_date and not self.start_date:
            raise ValidationError({"start_date": _("Une fin demande un début.")})
        if self.is_continuous and self.end_date:
            raise ValidationError({"end_date": _("Une étape en continu n'a pas de fin.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
        # A period is kept as its first and last days, whatever day of it staff typed.
        if self.start_date:
            self.start_date = period_start(self.start_date, self.date_precision)
        if self.end_date:
            self.end_date = period_end(self.end_date, self.date_precision)
            if self.end_date == period_end(self.start_date or self.end_date, self.date_precision):
                self.end_date = None  # one period: its start says it all

    # --- Time ---------------------------------------------------------------------------------

    @property
    def public_event(self) -> Any:
        """The event that carries the step, if anyone may open it (not a draft)."""
        event = self.event if self.event_id is not None else None
        return event if event is not None and event.status in EVENT_PUBLIC else None

    @property
    def period(self) -> Period | None:
        """When the step takes place: its own period, else its event's days; None when it is
        continuous (see ``continuous_since``) or has no date yet."""
        if self.is_continuous:
            return None
        if self.start_date:
            return Period.of(self.start_date, self.end_date, self.date_precision)
        event = self.event if self.event_id is not None else None
        if event is not None:
            start = timezone.localdate(event.start)
            end = timezone.localdate(event.end) if event.end else start
            return Period.of(start, end)
        return None

    @property
    def continuous_since(self) -> Period | None:
        """The period a continuous step started in, if known."""
        if self.is_continuous and self.start_date:
            return Period.of(self.start_date, None, self.date_precision)
        return None

    @property
    def is_dated(self) -> bool:
        return self.is_continuous or self.period is not None

    def when(self) -> str:
        """The step's time in words: « 2e semestre 2021 », « En continu », « Date à définir »."""
        if self.is_continuous:
            since = self.continuous_since
            if since is None:
                return str(_("En continu"))
            return str(_("En continu depuis %(period)s")) % {"period": since.label()}
        period = self.period
        return period.label() if period else str(_("Date à définir"))

    # --- Status -------------------------------------------------------------------------------

    def status_at(self, now: datetime.datetime) -> Step.Status:
        """What the step shows at ``now`` (the Python twin of StepQuerySet.with_current_status)."""
        status = self.Status(self.status)
        event = self.event if self.event_id is not None else None
        if status not in (self.Status.PLANNED, self.Status.ONGOING) or event is None:
            return status
        if event.status != EVENT_PUBLISHED:
            return status
        day_start = _start_of_day(now)
        if (event.end is not None and event.end < now) or (
            event.end is None and event.start < day_start
        ):
            return self.Status.DONE
        if status == self.Status.PLANNED and event.start <= now:
            return self.Status.ONGOING
        return status

    @property
    def current_status(self) -> Step.Status:
        annotated = getattr(self, "effective_status", None)
        if annotated is not None:
            return self.Status(annotated)
        return self.status_at(timezone.now())
