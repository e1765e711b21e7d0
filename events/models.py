"""Events: workshops, territorial meetings and others, with venue, capacity and window."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import LocatedModel, TimeStampedModel


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def public(self) -> EventQuerySet:
        """What anyone may see: published events, and cancelled ones (shown as cancelled)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now: datetime.datetime | None = None) -> EventQuerySet:
        """Events that have not ended yet (or, without an end, not started yet today)."""
        now = now or timezone.now()
        return self.filter(
            Q(end__gte=now) | Q(end__isnull=True, start__gte=_start_of_day(now))
        ).order_by("start")

    def past(self, now: datetime.datetime | None = None) -> EventQuerySet:
        now = now or timezone.now()
        return self.filter(
            Q(end__lt=now) | Q(end__isnull=True, start__lt=_start_of_day(now))
        ).order_by("-start")


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class Event(LocatedModel, TimeStampedModel):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier thématique")
        TERRITORIAL_MEETING = "territorial_meeting", _("Rencontre territoriale")
        OTHER = "other", _("Autre événement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        CANCELLED = "cancelled", _("Annulé")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    chantier = models.ForeignKey(
        "chantiers.Chantier",
        verbose_name=_("chantier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    province = models.ForeignKey(
        "territoires.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Laisser vide pour un événement à l'échelle de la Wallonie."),
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(
        _("fin"),
        null=True,
        blank=True,
        help_text=_("Laisser vide si l'heure de fin n'est pas connue."),
    )
    time_to_be_confirmed = models.BooleanField(
        _("horaire à préciser"),
        default=False,
        help_text=_("Cocher quand seule la date est connue."),
    )
    venue = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de la réunion en ligne"), blank=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Laisser vide pour un nombre de places illimité."),
    )
    registration_opens_at = models.DateTimeField(
        _("ouverture des inscriptions"), null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        _("clôture des inscriptions"), null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    organiser = models.ForeignKey(
        "projets.Organisation",
        verbose_name=_("organisateur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_events",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_events",
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("historique de l'événement")
    )

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-start"]
        indexes = [models.Index(fields=["status", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="event_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__lte=F("start")),
                name="event_registration_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = ValidationError(_("La fin ne peut pas précéder le début."))
        if self.start and self.registration_closes_at and self.registration_closes_at > self.start:
            errors["registration_closes_at"] = ValidationError(
                _("Les inscriptions doivent se clôturer au plus tard au début de l'événement.")
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = ValidationError(
                _("La clôture des inscriptions doit suivre leur ouverture.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_unlimited(self) -> bool:
        return self.capacity is None

    @property
    def is_past(self) -> bool:
        now = timezone.now()
        if self.end:
            return self.end < now
        return self.start < _start_of_day(now)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)
