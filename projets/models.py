"""Projects funded to relocalise food in Wallonia, their types, and partner organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.history import PortalHistoricalRecords
from portal.links import LinkField
from portal.models import LocatedModel, TimeStampedModel
from portal.search import text_search
from portal.urls_memo import slug_url

if TYPE_CHECKING:
    from portal.models import User
    from territoires.models import Province


class ProjectType(models.Model):
    """A label such as Logistique or Gouvernance; staff edit the list."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type de projet")
        verbose_name_plural = _("types de projet")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('projets:project_list')}?type={self.slug}"


class Organisation(TimeStampedModel):
    """A partner organisation: a network, an agency, a public body or the Cellule itself."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Administration ou organisme public")
        NETWORK = "network", _("Réseau ou fédération")
        AGENCY = "agency", _("Agence ou structure d'appui")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("présentation"), blank=True)
    website = LinkField(_("site web"), blank=True)

    history = PortalHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("historique de l'organisation")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        if self.acronym and self.acronym != self.name:
            return f"{self.acronym} – {self.name}"
        return self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


# What a project search looks into, with each text's weight in the rank.
PROJECT_SEARCH_FIELDS = (
    ("name", "A"),
    ("summary", "B"),
    ("promoters", "B"),
    ("communes", "B"),
    ("description", "C"),
)


class ProjectQuerySet(models.QuerySet["Project"]):
    def public(self) -> ProjectQuerySet:
        """Projects shown on the public pages (every status but withdrawn ones)."""
        return self.exclude(status=Project.Status.WITHDRAWN)

    def located(self) -> ProjectQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def in_province(self, province: Province | None) -> ProjectQuerySet:
        return self.filter(province=province)

    def search(self, text: str) -> ProjectQuerySet:
        """Accents and case folded (« Liege » finds Liège), best first (portal.search)."""
        return text_search(self, text, fields=PROJECT_SEARCH_FIELDS, then=("name", "pk"))  # type: ignore[return-value]


class Project(LocatedModel, TimeStampedModel):
    class Status(models.TextChoices):
        ONGOING = "ongoing", _("En cours")
        COMPLETED = "completed", _("Terminé")
        WITHDRAWN = "withdrawn", _("Retiré")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("En Markdown : **gras**, *italique*, [lien](https://…)."),
    )
    promoters = models.CharField(
        _("porteurs"),
        max_length=500,
        blank=True,
        help_text=_("Les organisations qui portent le projet, séparées par des points-virgules."),
    )
    province = models.ForeignKey(
        "territoires.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
        help_text=_("Laisser vide pour un projet à l'échelle de la Wallonie."),
    )
    communes = models.CharField(_("communes"), max_length=300, blank=True)
    types = models.ManyToManyField(
        ProjectType, verbose_name=_("types de projet"), related_name="projects", blank=True
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partenaires"), related_name="projects", blank=True
    )
    website = LinkField(_("site web"), blank=True)
    contact_name = models.CharField(_("contact public (nom)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact public (e-mail)"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ONGOING
    )
    is_confirmed = models.BooleanField(
        _("fiche confirmée par la Cellule"),
        default=False,
        help_text=_("Décoché tant que la Cellule Manger Demain n'a pas vérifié la fiche."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Où l'information a été publiée (presse, site Manger Demain…)."),
    )
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur·euses"),
        through="Membership",
        related_name="projects",
        blank=True,
    )
    location_is_approximate = models.BooleanField(
        _("position approximative"),
        default=False,
        help_text=_(
            "Coché quand le point est le centre de la commune, pas l'adresse du projet ; "
            "décoché de lui-même quand le point est déplacé à la main."
        ),
    )

    objects = ProjectQuerySet.as_manager()
    history = PortalHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("historique du projet")
    )

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["name"]
        # A province's page lists its projects by name and counts them, located or not: read
        # from this index alone, however many projects there are.
        indexes = [
            models.Index(
                fields=["province", "name", "status", "latitude", "longitude"],
                name="project_province_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("projets:project_detail", self.slug)

    @property
    def promoter_list(self) -> list[str]:
        return [p.strip() for p in self.promoters.split(";") if p.strip()]


class Membership(TimeStampedModel):
    """A person who leads a project ("porteur·euse de projet") and may edit its page."""

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("porteur·euse de projet")
        verbose_name_plural = _("porteur·euses de projet")
        ordering = ["project__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.project}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class JoinRequestQuerySet(models.QuerySet["JoinRequest"]):
    def pending(self) -> JoinRequestQuerySet:
        return self.filter(status=JoinRequest.Status.PENDING)


class JoinRequest(TimeStampedModel):
    """A signed-in person asking to become a leader of a project; staff or a leader decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur·euse"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande pour rejoindre un projet")
        verbose_name_plural = _("demandes pour rejoindre un projet")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.project} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("espace_projets:join_requests")


class PisteProposalQuerySet(models.QuerySet["PisteProposal"]):
    def pending(self) -> PisteProposalQuerySet:
        return self.filter(status=PisteProposal.Status.PENDING)


class PisteProposal(TimeStampedModel):
    """A new "piste" (candidate chantier) proposed by a project's leader, as the document
    invites (« N'hésitez pas à revenir vers nous afin de compléter la liste »); staff accept it
    (it becomes a candidate chantier, the project interested in it) or decline it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="piste_proposals",
        help_text=_("Le projet au nom duquel la piste est proposée."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piste_proposals",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    chantier = models.ForeignKey(
        "chantiers.Chantier",
        verbose_name=_("piste créée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )

    objects = PisteProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition de piste")
        verbose_name_plural = _("propositions de pistes")
        ordering = ["-created_at"]
        constraints = [
            # The last line of defence against two pending proposals of one title (the service
            # also compares accents and spacing aside, and with the existing chantiers).
            models.UniqueConstraint(
                Lower("title"),
                condition=models.Q(status="pending"),
                name="piste_proposal_one_pending_title",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chantiers:candidate_list")
