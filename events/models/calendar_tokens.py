"""The secret address of a person's private calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def calendar_feed_token_new() -> str:
    """A fresh secret for a private calendar address: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in the address of a person's private calendar feed.

    Calendar apps send no cookies, so the address itself is the credential. Renewing replaces
    the token: the old address then answers 404.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
    )
    token = models.CharField(
        _("jeton"), max_length=64, unique=True, default=calendar_feed_token_new, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("adresse d'agenda privée")
        verbose_name_plural = _("adresses d'agenda privées")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("calendar:private", kwargs={"token": self.token})
