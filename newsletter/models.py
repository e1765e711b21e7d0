"""Subscribers (double opt-in, interests, one token for life), issues and their deliveries."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import OutgoingEmail, TimeStampedModel

CONFIRMATION_DAYS = 7


def token_new() -> str:
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def in_segment(self, issue: Issue) -> SubscriberQuerySet:
        """Who the issue is for: everyone when it has no segment; otherwise those who share one
        of its provinces or chantiers, and those without interests (none means everything)."""
        provinces = list(issue.provinces.values_list("pk", flat=True))
        chantiers = list(issue.chantiers.values_list("pk", flat=True))
        if not provinces and not chantiers:
            return self
        no_interest = Q(provinces__isnull=True) & Q(chantiers__isnull=True)
        wanted = no_interest | Q(provinces__in=provinces) | Q(chantiers__in=chantiers)
        return self.filter(pk__in=Subscriber.objects.filter(wanted).values("pk"))


class Subscriber(TimeStampedModel):
    """One address. It receives issues only once confirmed (double opt-in); the token in every
    issue lets its owner unsubscribe or change interests without an account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        CONFIRMED = "confirmed", _("Inscrit·e")
        UNSUBSCRIBED = "unsubscribed", _("Désinscrit·e")

    email = models.EmailField(_("adresse e-mail"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletter_subscription",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    provinces = models.ManyToManyField(
        "territoires.Province",
        verbose_name=_("provinces suivies"),
        blank=True,
        related_name="newsletter_subscribers",
        help_text=_("Aucune : toutes les nouvelles."),
    )
    chantiers = models.ManyToManyField(
        "chantiers.Chantier",
        verbose_name=_("chantiers suivis"),
        blank=True,
        related_name="newsletter_subscribers",
        help_text=_("Aucun : toutes les nouvelles."),
    )
    # For life: in every issue's unsubscribe link and List-Unsubscribe header.
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=token_new)
    # One use: cleared when the address is confirmed.
    confirmation_key = models.CharField(
        _("clé de confirmation"), max_length=64, unique=True, null=True, blank=True
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation demandée le"), null=True, blank=True
    )
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    consent_source = models.CharField(
        _("consentement donné depuis"),
        max_length=300,
        blank=True,
        help_text=_("Le formulaire ou la page d'où l'inscription a été demandée et confirmée."),
    )
    unsubscribed_at = models.DateTimeField(_("désinscrit·e le"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonné·e")
        verbose_name_plural = _("abonné·es")
        ordering = ["email"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.email

    def get_unsubscribe_url(self) -> str:
        return reverse("newsletter:unsubscribe", kwargs={"token": self.token})

    def get_preferences_url(self) -> str:
        return reverse("newsletter:preferences", kwargs={"token": self.token})


class IssueQuerySet(models.QuerySet["Issue"]):
    def sent(self) -> IssueQuerySet:
        return self.filter(status=Issue.Status.SENT)

    def sending(self) -> IssueQuerySet:
        return self.filter(status=Issue.Status.SENDING)


class Issue(TimeStampedModel):
    """One issue of the newsletter: written as a draft, frozen once its sending starts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyée")

    number = models.PositiveIntegerField(
        pgettext_lazy("le numéro d'ordre d'une lettre", "numéro"),
        unique=True,
        null=True,
        blank=True,
    )
    subject = models.CharField(_("objet"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("En Markdown : **gras**, *italique*, [lien](https://…)."),
    )
    provinces = models.ManyToManyField(
        "territoires.Province",
        verbose_name=_("provinces visées"),
        blank=True,
        related_name="newsletter_issues",
        help_text=_(
            "Avec les chantiers visés : aucun choix envoie la lettre à tous les abonné·es."
        ),
    )
    chantiers = models.ManyToManyField(
        "chantiers.Chantier",
        verbose_name=_("chantiers visés"),
        blank=True,
        related_name="newsletter_issues",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_issues",
    )
    sending_started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("numéro de la lettre")
        verbose_name_plural = _("numéros de la lettre")
        ordering = ["-number", "-created_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue_detail", kwargs={"slug": self.slug})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    issue = models.ForeignKey(
        Issue, verbose_name=_("numéro"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), help_text=_("En Markdown."))
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """An issue for one subscriber: created with its outbox message in one transaction, and
    unique per (issue, subscriber), so a send that runs twice or restarts queues nobody twice.
    Whether it went out is the outbox message's status."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("numéro"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("abonné·e"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
    )
    email = models.OneToOneField(
        OutgoingEmail,
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="newsletter_delivery",
    )
    created_at = models.DateTimeField(_("mis en file le"), auto_now_add=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_delivery_once_per_subscriber"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"
