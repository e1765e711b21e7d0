"""Chantiers: shared workstreams with their resources, their timeline of steps and projects."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel

if TYPE_CHECKING:
    from territoires.models import Province


class ChantierQuerySet(models.QuerySet["Chantier"]):
    def active(self) -> ChantierQuerySet:
        return self.filter(status=Chantier.Status.ACTIVE)

    def candidates(self) -> ChantierQuerySet:
        return self.filter(status=Chantier.Status.CANDIDATE)


class Chantier(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Chantier en cours")
        CANDIDATE = "candidate", _("Piste de chantier")

    title = models.CharField(_("titre"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    objective = models.TextField(_("objectif"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = ChantierQuerySet.as_manager()

    class Meta:
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chantiers:chantier_detail", kwargs={"slug": self.slug})

    @property
    def is_candidate(self) -> bool:
        return self.status == self.Status.CANDIDATE


class Resource(models.Model):
    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        "projets.Organisation",
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
    )
    url = models.URLField(
        _("adresse web"), blank=True, help_text=_("Facultative : les liens d'origine sont perdus.")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # When the row last changed: the open data's last-modified dates rest on it.
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["chantier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chantier", "title"], name="resource_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.chantier.get_absolute_url()}#ressources"


class Step(models.Model):
    """One step of a chantier's timeline ("échéancier").

    Its status follows from its dates (or those of the event that carries it) where it has
    any; a continuous step is always ongoing; otherwise staff state it.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        ONGOING = "ongoing", _("En cours")
        DONE = "done", _("Réalisée")

    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    is_continuous = models.BooleanField(
        _("en continu"), default=False, help_text=_("Une étape menée en continu, sans date.")
    )
    declared_status = models.CharField(
        _("statut (sans dates)"),
        max_length=20,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_("Utilisé seulement quand l'étape n'a ni dates ni événement."),
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

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes (échéancier)")
        ordering = ["chantier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chantier", "order"], name="step_unique_order"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="step_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(is_continuous=False)
                | (Q(start_date__isnull=True) & Q(end_date__isnull=True)),
                name="step_continuous_has_no_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chantier} – {self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.chantier.get_absolute_url()}#etape-{self.order}"

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
        if self.is_continuous and (self.start_date or self.end_date):
            raise ValidationError({"is_continuous": _("Une étape en continu n'a pas de dates.")})

    @property
    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The step's own dates, or else those of its event (in Brussels time)."""
        if self.start_date or self.end_date:
            return self.start_date, self.end_date
        if self.event_id is not None and self.event is not None:
            start = timezone.localdate(self.event.start)
            end = timezone.localdate(self.event.end) if self.event.end else start
            return start, end
        return None, None

    def status_on(self, today: datetime.date) -> Step.Status:
        if self.is_continuous:
            return self.Status.ONGOING
        start, end = self.dates
        if start is None and end is None:
            return self.Status(self.declared_status)
        start = start or end
        end = end or start
        assert start is not None and end is not None
        if today < start:
            return self.Status.PLANNED
        if today > end:
            return self.Status.DONE
        return self.Status.ONGOING

    @property
    def status(self) -> Step.Status:
        return self.status_on(timezone.localdate())


class Participation(TimeStampedModel):
    """A project taking part in a chantier (or interested in a candidate one)."""

    class Role(models.TextChoices):
        INTERESTED = "interested", _("Intéressé")
        CONTRIBUTOR = "contributor", _("Contributeur")
        LEAD = "lead", _("Pilote")

    chantier = models.ForeignKey(
        Chantier,
        verbose_name=_("chantier"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    project = models.ForeignKey(
        "projets.Project",
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.INTERESTED)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["chantier", "project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "project"], name="participation_unique_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.chantier} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return self.chantier.get_absolute_url()


class NewsQuerySet(models.QuerySet["News"]):
    def published(self, now: datetime.datetime | None = None) -> NewsQuerySet:
        return self.filter(published_at__lte=now or timezone.now())

    def drafts(self) -> NewsQuerySet:
        return self.filter(published_at__isnull=True)

    def about_chantier(self, chantier: Chantier) -> NewsQuerySet:
        return self.filter(chantier=chantier)

    def about_province(self, province: Province) -> NewsQuerySet:
        return self.filter(province=province)


class News(TimeStampedModel):
    """A short news item ("actualité") about a chantier and/or a province.

    Staff write any; a territorial officer writes the news of their provinces. Without a
    publication time it is a draft; a time in the future publishes it then.
    """

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    chantier = models.ForeignKey(
        Chantier,
        verbose_name=_("chantier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
    )
    province = models.ForeignKey(
        "territoires.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="news",
        help_text=_("Laisser vide pour une actualité à l'échelle de la Wallonie."),
    )
    summary = models.CharField(
        _("chapeau"), max_length=300, help_text=_("Une ou deux phrases, reprises dans les listes.")
    )
    body = models.TextField(
        _("texte"),
        blank=True,
        help_text=_("En Markdown : **gras**, *italique*, [lien](https://…)."),
    )
    published_at = models.DateTimeField(
        _("publiée le"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Laisser vide pour garder un brouillon."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
    )

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:news_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()
