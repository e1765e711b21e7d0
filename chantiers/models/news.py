"""News of the chantiers and of the portal."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models.chantiers import Chantier
from portal.history import PortalHistoricalRecords
from portal.models import TimeStampedModel
from portal.urls_memo import slug_url

if TYPE_CHECKING:
    from territoires.models import Province


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
    history = PortalHistoricalRecords(
        excluded_fields=["created_at", "updated_at"], verbose_name=_("historique de l'actualité")
    )

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("news:news_detail", self.slug)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()
