"""Chantiers (active or candidate "piste"), their resources, partners and participating
projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.history import PortalHistoricalRecords
from portal.links import LinkField
from portal.models import TimeStampedModel
from portal.urls_memo import slug_url

if TYPE_CHECKING:
    pass


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
    history = PortalHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("historique du chantier")
    )

    class Meta:
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("chantiers:chantier_detail", self.slug)

    @property
    def is_candidate(self) -> bool:
        return self.status == self.Status.CANDIDATE


class PortalPage(models.TextChoices):
    """Pages of this portal that a resource can be (named by their URL, never imported)."""

    NEWSLETTER = "newsletter:subscribe", _("La lettre d'information (inscription)")


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
    url = LinkField(
        _("adresse web"), blank=True, help_text=_("Facultative : les liens d'origine sont perdus.")
    )
    page = models.CharField(
        _("page du portail"),
        max_length=50,
        choices=PortalPage.choices,
        blank=True,
        help_text=_(
            "Une page de ce portail qui est cette ressource (la lettre d'information…) : "
            "le lien y mène, plutôt qu'à l'adresse web."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # When the row last changed: the open data's last-modified dates rest on it.
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = PortalHistoricalRecords(
        excluded_fields=["updated_at"], verbose_name=_("historique de la ressource")
    )

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

    @property
    def link(self) -> str:
        """Where the resource's title leads: the portal's own page, else its web address."""
        if self.page:
            return reverse(self.page)
        return self.url


class Partnership(models.Model):
    """An organisation named as a partner of a chantier (RATA, RAWAD, AIA and the CwAD for
    the food policy councils), shown on the chantier's page."""

    chantier = models.ForeignKey(
        Chantier, verbose_name=_("chantier"), on_delete=models.CASCADE, related_name="partnerships"
    )
    organisation = models.ForeignKey(
        "projets.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    role = models.CharField(
        _("rôle"),
        max_length=300,
        blank=True,
        help_text=_("Ce que l'organisation apporte au chantier, en une phrase."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partenaire du chantier")
        verbose_name_plural = _("partenaires du chantier")
        ordering = ["chantier", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chantier", "organisation"], name="partnership_unique_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chantier} – {self.organisation}"

    def get_absolute_url(self) -> str:
        return f"{self.chantier.get_absolute_url()}#partenaires"


# The values of events.Event.Status that a step reads through its ``event`` relation (this app
# never imports events; tests/chantiers/test_steps.py checks that they still match).
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
