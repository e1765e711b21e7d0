"""The former addresses of events: a slug an event had before its title or date changed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.events import Event


class EventFormerSlug(models.Model):
    """A slug an event had, kept so that its old address redirects (301) to the current one.

    Written only by ``events.services`` when a new title or date gives the event a new slug;
    a slug listed here is never given to another event (its links would change meaning).
    """

    event = models.ForeignKey(
        Event,
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="former_slugs",
    )
    slug = models.SlugField(_("ancien slug"), max_length=200, unique=True)
    retired_at = models.DateTimeField(_("remplacé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse d'événement")
        verbose_name_plural = _("anciennes adresses d'événements")
        ordering = ["-retired_at", "pk"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.event_id}"
