"""Provinces of Wallonia, each with a map centre, and who follows them for Manger Demain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.history import PortalHistoricalRecords
from portal.urls_memo import slug_url

if TYPE_CHECKING:
    from portal.models import User


class ProvinceQuerySet(models.QuerySet["Province"]):
    def followed_by(self, user: User) -> ProvinceQuerySet:
        return self.filter(officers=user)


class Province(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=4, unique=True, help_text=_("Code court, par ex. « LG » pour Liège.")
    )
    description = models.TextField(_("présentation"), blank=True)
    centre_latitude = models.DecimalField(_("latitude du centre"), max_digits=8, decimal_places=5)
    centre_longitude = models.DecimalField(_("longitude du centre"), max_digits=8, decimal_places=5)
    zoom = models.PositiveSmallIntegerField(_("zoom de la carte"), default=9)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·es de mission territoriale"),
        related_name="followed_provinces",
        blank=True,
        help_text=_("Les personnes qui suivent cette province pour la Cellule Manger Demain."),
    )

    # When the row last changed: the open data's last-modified dates rest on it.
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProvinceQuerySet.as_manager()
    # Who follows the province is part of its history (added and removed by
    # territoires.services, each change an entry with who and why).
    history = PortalHistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=["officers"],
        verbose_name=_("historique de la province"),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("territoires:province_detail", self.slug)
