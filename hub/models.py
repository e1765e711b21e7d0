"""The seed's memory: which row each piece of the seed content became."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedRecord(models.Model):
    """A piece of the seed content (``key``, stable: see ``hub.seed.identity``) and the row it
    became. ``load_seed`` finds the row by this record whatever staff renamed since, and a
    record whose row is gone means staff deleted it: the loader leaves it deleted."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type de contenu"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("identifiant de la ligne"))
    loaded_at = models.DateTimeField(_("chargée le"), auto_now_add=True)

    row = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("ligne du contenu initial")
        verbose_name_plural = _("lignes du contenu initial")
        ordering = ["key"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.key
