"""Events: workshops, territorial meetings and others, with venue, capacity and window."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.history import PortalHistoricalRecords
from portal.links import LinkField
from portal.models import LocatedModel, TimeStampedModel
from portal.urls_memo import slug_url


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def public(self) -> EventQuerySet:
        """What anyone may see: published events, and cancelled ones (shown as cancelled)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now: datetime.datetime | None = None) -> EventQuerySet:
        """Events that have not ended yet (or, without an end, not started yet today)."""
        return self.filter(_not_over(now or timezone.now())).order_by("start")

    def upcoming_then_past(self, now: datetime.datetime | None = None) -> EventQuerySet:
        """Every event: those of ``upcoming`` first, in its order, then those of ``past``, in
        its order; ``is_upcoming`` says which (the first rows answer both lists at once)."""
        not_over = _not_over(now or timezone.now())
        return self.annotate(
            is_upcoming=ExpressionWrapper(not_over, output_field=models.BooleanField())
        ).order_by(
            F("is_upcoming").desc(), Case(When(not_over, then=F("start"))).asc(), "-start", "pk"
        )

    def past(self, now: datetime.datetime | None = None) -> EventQuerySet:
        now = now or timezone.now()
        return self.filter(
            Q(end__lt=now) | Q(end__isnull=True, start__lt=start_of_day(now))
        ).order_by("-start")


def _not_over(now: datetime.datetime) -> Q:
    """Not ended yet (or, without an end, not started yet today): ``upcoming``'s condition."""
    return Q(end__gte=now) | Q(end__isnull=True, start__gte=start_of_day(now))


def start_of_day(moment: datetime.datetime) -> datetime.datetime:
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
    online_url = LinkField(_("lien de la réunion en ligne"), blank=True)
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
    # Confirmed registrations. Only events.services.seats writes it, with conditional UPDATEs
    # in the transaction that confirms or cancels a registration; the check constraint below
    # is the last line against overbooking, and save() never writes it back (see save()).
    seats_taken = models.PositiveIntegerField(_("places occupées"), default=0, editable=False)
    project_cap = models.PositiveSmallIntegerField(
        _("places max. par projet"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Laisser vide pour ne pas limiter le nombre d'inscrit·es d'un même projet."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("rappel (jours avant)"),
        null=True,
        blank=True,
        default=2,
        help_text=_("Laisser vide pour ne pas envoyer de rappel les jours précédents."),
    )
    reminder_on_the_day = models.BooleanField(_("rappel le matin même"), default=True)
    # iCalendar SEQUENCE: raised when the time or place changes, so that calendar apps replace
    # the invitation they hold (same UID) instead of adding a second one.
    sequence = models.PositiveIntegerField(_("version de l'invitation"), default=0, editable=False)

    objects = EventQuerySet.as_manager()
    history = PortalHistoricalRecords(
        # seats_taken moves with every registration through queryset updates, which
        # simple-history does not see: a snapshot of it in the history would only be stale.
        excluded_fields=["created_at", "updated_at", "seats_taken"],
        verbose_name=_("historique de l'événement"),
    )

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-start"]
        indexes = [
            # With these three, the next moment a public event changes by time (it starts or
            # ends, its registration opens or closes) is found in the index (events.page_times).
            models.Index(fields=["status", "start"]),
            models.Index(fields=["status", "end"], name="event_status_end"),
            models.Index(fields=["status", "registration_opens_at"], name="event_status_opens"),
            models.Index(fields=["status", "registration_closes_at"], name="event_status_closes"),
            # A province's page: its events to come and past ones, in date order.
            models.Index(fields=["province", "start"], name="event_province_start"),
            # A chantier's page: its latest public events, by date, and how many (the index alone).
            models.Index(fields=["chantier", "start", "status"], name="event_chantier_start"),
        ]
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
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="event_seats_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(project_cap__isnull=True) | Q(project_cap__gte=1),
                name="event_project_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("events:event_detail", self.slug)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An event loaded before a registration committed holds an old seats_taken; writing it
        # back (an edit form, the admin) would free seats that are taken, and the next
        # registrations would overbook. Updates leave the column to events.services.seats.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "seats_taken"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

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
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = ValidationError(
                _(
                    "Places déjà confirmées : %(count)s. Le nombre de places ne peut pas "
                    "descendre en dessous."
                )
                % {"count": self.seats_taken}
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
        return self.start < start_of_day(now)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def seats_left(self) -> int | None:
        """Free seats as last read (None: unlimited); the registration services decide."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity
