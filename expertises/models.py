"""Facilitators (organisations and services), what projects need and offer, and the requests
for new workshops that members propose and support."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.history import PortalHistoricalRecords
from portal.links import LinkField, validate_link_lines
from portal.models import TimeStampedModel
from portal.urls_memo import slug_url

if TYPE_CHECKING:
    from portal.models import User


class Category(models.Model):
    """A field of expertise (financement et micro-crédit, marchés publics…); staff edit the list."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie d'expertise")
        verbose_name_plural = _("catégories d'expertise")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('expertises:facilitator_list')}?categorie={self.slug}"


class FacilitatorQuerySet(models.QuerySet["Facilitator"]):
    def published(self) -> FacilitatorQuerySet:
        return self.filter(is_published=True)

    def covering(self, province: Any) -> FacilitatorQuerySet:
        """Those who work in a province (or everywhere in Wallonia); all of them for None."""
        if province is None:
            return self
        # EXISTS, not a join: no row repeated, hence no DISTINCT (a sort of every row), and
        # one lookup of the link's unique index per facilitator. A province given as OuterRef
        # (this queryset itself a subquery) is one level further out from the link's rows.
        if isinstance(province, models.OuterRef):
            province = models.OuterRef(province)
        link = Facilitator.provinces.through.objects.filter(
            facilitator=models.OuterRef("pk"), province=province
        )
        return self.filter(Q(covers_all_wallonia=True) | Q(models.Exists(link)))


class Facilitator(TimeStampedModel):
    """An organisation or a service that project leaders can reach for help."""

    class Cost(models.TextChoices):
        FREE = "free", _("Gratuit")
        PAID = "paid", _("Payant")
        QUOTE = "quote", _("Sur devis")

    name = models.CharField(_("nom du service"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "projets.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitators",
    )
    organisation_name = models.CharField(
        _("organisation (si absente de la liste)"), max_length=200, blank=True
    )
    offer = models.TextField(_("ce qui est proposé"), max_length=5000)
    categories = models.ManyToManyField(
        Category, verbose_name=_("catégories"), related_name="facilitators"
    )
    covers_all_wallonia = models.BooleanField(_("toute la Wallonie"), default=False)
    provinces = models.ManyToManyField(
        "territoires.Province",
        verbose_name=_("provinces couvertes"),
        related_name="facilitators",
        blank=True,
    )
    audience = models.CharField(_("public"), max_length=300, blank=True)
    cost = models.CharField(_("coût"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    contact_name = models.CharField(_("contact (nom)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact (e-mail)"), blank=True)
    contact_phone = models.CharField(_("contact (téléphone)"), max_length=40, blank=True)
    website = LinkField(_("site web"), blank=True)
    links = models.TextField(
        _("autres liens"),
        blank=True,
        help_text=_("Une adresse web par ligne."),
        validators=[validate_link_lines],
    )
    last_reviewed = models.DateField(_("dernière vérification"), null=True, blank=True)
    is_published = models.BooleanField(_("publié"), default=True)

    objects = FacilitatorQuerySet.as_manager()
    history = PortalHistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        m2m_fields=["categories", "provinces"],
        verbose_name=_("historique du facilitateur"),
    )

    class Meta:
        verbose_name = _("facilitateur")
        verbose_name_plural = _("facilitateurs")
        ordering = ["name"]
        indexes = [
            # The catalogue and a province's page read the first entries in name order.
            models.Index(fields=["name"], name="facilitator_name"),
            # The catalogue's glimpse on its chantier's page: the latest reviewed first.
            models.Index(fields=["-last_reviewed", "name"], name="facilitator_reviewed"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("expertises:facilitator_detail", self.slug)

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class NeedQuerySet(models.QuerySet["Need"]):
    def open(self) -> NeedQuerySet:
        return self.filter(status=Need.Status.OPEN)


class Need(TimeStampedModel):
    """What a project needs; visible to signed-in members and staff."""

    class Urgency(models.TextChoices):
        LOW = "low", _("Peu urgent")
        MEDIUM = "medium", _("Dans les prochains mois")
        HIGH = "high", _("Urgent")

    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        ANSWERED = "answered", _("Répondu")

    project = models.ForeignKey(
        "projets.Project", verbose_name=_("projet"), on_delete=models.CASCADE, related_name="needs"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="needs"
    )
    province = models.ForeignKey(
        "territoires.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        help_text=_("Laisser vide pour un besoin à l'échelle de la Wallonie."),
    )
    description = models.TextField(_("description"), max_length=2000)
    urgency = models.CharField(
        _("urgence"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marqué répondu par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project} – {self.category}"

    def get_absolute_url(self) -> str:
        return reverse("espace_expertises:need_detail", kwargs={"pk": self.pk})


class Offer(TimeStampedModel):
    """An expertise a project offers to the others ("peer expertise"); public."""

    project = models.ForeignKey(
        "projets.Project", verbose_name=_("projet"), on_delete=models.CASCADE, related_name="offers"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="offers"
    )
    description = models.TextField(_("description"), max_length=2000)
    # Who wrote it, for that person's data export; the offer stays the project's when the
    # account goes.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("offre d'expertise")
        verbose_name_plural = _("offres d'expertise")
        ordering = ["category__order", "project__name"]

    def __str__(self) -> str:
        return f"{self.project} – {self.category}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


class WorkshopProposal(TimeStampedModel):
    """A topic for a new workshop, proposed by a member and supported by others."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ouverte")
        SCHEDULED = "scheduled", _("Programmée")
        DECLINED = "declined", _("Non retenue")

    title = models.CharField(_("sujet"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    chantier = models.ForeignKey(
        "chantiers.Chantier",
        verbose_name=_("chantier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("événement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_proposals",
    )
    supporters: models.ManyToManyField[User, Support] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("soutiens"),
        through="Support",
        related_name="supported_proposals",
    )

    class Meta:
        verbose_name = _("proposition d'atelier")
        verbose_name_plural = _("propositions d'ateliers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("expertises:proposal_list") + f"#proposition-{self.pk}"


class Support(models.Model):
    """One member's support of a proposal: counted once, however often they click."""

    proposal = models.ForeignKey(
        WorkshopProposal,
        verbose_name=_("proposition d'atelier"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.proposal}"
