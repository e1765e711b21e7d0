"""Registrations to events: confirmed, on the waiting list, or cancelled."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.events import Event, start_of_day
from portal.models import TimeStampedModel


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        """The waiting list, first in line first."""
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")

    def active(self) -> RegistrationQuerySet:
        """Confirmed or waiting: the person still means to come."""
        return self.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])

    def cancelled(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CANCELLED)

    def upcoming(self, now: datetime.datetime | None = None) -> RegistrationQuerySet:
        """Registrations for events that have not ended yet (as ``EventQuerySet.upcoming``)."""
        now = now or timezone.now()
        return self.filter(
            Q(event__end__gte=now) | Q(event__end__isnull=True, event__start__gte=start_of_day(now))
        ).order_by("event__start", "pk")

    def past(self, now: datetime.datetime | None = None) -> RegistrationQuerySet:
        now = now or timezone.now()
        return self.filter(
            Q(event__end__lt=now) | Q(event__end__isnull=True, event__start__lt=start_of_day(now))
        ).order_by("-event__start", "pk")

    def with_waiting_position(self) -> RegistrationQuerySet:
        """Annotate ``waiting_position`` (1 = next in line; None unless waiting) in one query."""
        ahead = (
            Registration.objects.filter(
                event=models.OuterRef("event"), status=Registration.Status.WAITING
            )
            .filter(
                Q(waiting_since__lt=models.OuterRef("waiting_since"))
                | Q(waiting_since=models.OuterRef("waiting_since"), pk__lte=models.OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            waiting_position=models.Case(
                models.When(status=Registration.Status.WAITING, then=models.Subquery(ahead)),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Registration(TimeStampedModel):
    """One person's registration to an event: confirmed, on the waiting list, or cancelled.

    One row per person and event: registering again after a cancellation reuses it. Written
    only by the services of ``events.services.registrations``, which keep ``Event.seats_taken``
    equal to the number of confirmed rows.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmée")
        WAITING = "waiting", _("En liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    project = models.ForeignKey(
        "projets.Project",
        verbose_name=_("projet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    organisation = models.CharField(
        _("autre organisation"),
        max_length=200,
        blank=True,
        help_text=_("Quand la personne ne vient pas pour l'un de ses projets."),
    )
    remarks = models.TextField(
        _("besoins / remarques"),
        max_length=1000,
        blank=True,
        help_text=_("Accessibilité, régime alimentaire…"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    registered_at = models.DateTimeField(
        _("inscrit·e le"),
        default=timezone.now,
        help_text=_("La dernière inscription, quand la personne s'est réinscrite."),
    )
    # Raised at each new registration on this row: emails are keyed on it, so a registration
    # after a cancellation gets its own confirmation while a retried task never repeats one.
    times_registered = models.PositiveSmallIntegerField(
        _("nombre d'inscriptions"), default=1, editable=False
    )
    waiting_since = models.DateTimeField(
        _("en liste d'attente depuis"),
        null=True,
        blank=True,
        help_text=_("L'ordre de la liste d'attente."),
    )
    attended = models.BooleanField(_("présence"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["registered_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "waiting_since"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique_user"),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="registration_waiting_has_since",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(organisation=""),
                name="registration_project_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.event} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.event.get_absolute_url()

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def coming_for(self) -> str:
        """The project, or the other organisation, the person comes for."""
        return str(self.project) if self.project_id else self.organisation
