"""Site-wide models: the user account (email as login) and shared abstract bases."""

from __future__ import annotations

import datetime
from contextvars import ContextVar
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.prepared import prepared_select


class EmailUserManager(UserManager["User"]):
    """Creates users identified by their email address alone."""

    use_in_migrations = True

    def get(self, *args: Any, **kwargs: Any) -> User:
        """``get(pk=<int>)``, the lookup of the signed-in person on every request they make
        (``ModelBackend.get_user``), runs a statement compiled once (``portal.prepared``):
        the same query, without the ORM's cost of building it each time."""
        pk = kwargs.get("pk")
        if args or len(kwargs) != 1 or type(pk) is not int:
            return super().get(*args, **kwargs)
        joined = joined_user.get()
        if joined is not None and joined.pk == pk:
            # Read by this request's session statement, with the session (portal.sessions).
            return joined
        user = prepared_select("portal.user_by_pk", _user_by_pk, using=self.db).get(pk)
        if user is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return user

    def _create_user(  # type: ignore[override]
        self, email: str, password: str | None, **extra_fields: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


# The person read with this request's session, in the same statement (portal.sessions): the
# row as the database held it a moment ago, handed to ``get(pk=…)`` when it asks for that pk.
joined_user: ContextVar[User | None] = ContextVar("joined_user", default=None)


def _user_by_pk(pk: int) -> models.QuerySet[User]:
    return User._default_manager.get_queryset().filter(pk=pk)


class User(AbstractUser):
    """A person with an account; the email address is the login."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("adresse e-mail"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class LocatedModel(models.Model):
    """A point on the map as plain coordinates (WGS84): no GeoDjango, hence no GDAL."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Indiquez la latitude et la longitude, ou aucune des deux."))


def in_wallonia(latitude: float, longitude: float) -> bool:
    """Whether a point falls inside the bounding box of Wallonia."""
    (south, west), (north, east) = settings.WALLONIA_BOUNDS
    return south <= latitude <= north and west <= longitude <= east


# A message is claimed just before it is sent, and a send takes seconds (EMAIL_TIMEOUT is
# 10 s): one still "sending" this long after its claim was interrupted (a worker killed, a
# conversation cut) and may or may not have reached the server. Staff see it as uncertain.
UNCERTAIN_AFTER = datetime.timedelta(minutes=10)


def uncertain_q(*, prefix: str = "", now: datetime.datetime | None = None) -> models.Q:
    """Still "sending" past ``UNCERTAIN_AFTER`` (``prefix`` to reach the outbox through a
    relation, e.g. "email__")."""
    cutoff = (now or timezone.now()) - UNCERTAIN_AFTER
    return models.Q(
        **{f"{prefix}status": OutgoingEmail.Status.SENDING, f"{prefix}claimed_at__lt": cutoff}
    )


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def queued(self) -> OutgoingEmailQuerySet:
        return self.filter(status=OutgoingEmail.Status.QUEUED)

    def uncertain(self, *, now: datetime.datetime | None = None) -> OutgoingEmailQuerySet:
        """Interrupted mid-send: perhaps received, never resent by itself (staff decide)."""
        return self.filter(uncertain_q(now=now))


class OutgoingEmail(TimeStampedModel):
    """One email in the durable outbox: written in the same transaction as the change that
    causes it, sent later by a Celery task that claims it first, so it goes out at most once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        # Built by the sender and found obsolete then (the event was cancelled or changed
        # again meanwhile): never sent, with the reason in last_error.
        DROPPED = "dropped", _("Sans objet")

    key = models.CharField(
        _("clé d'unicité"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Objet et destinataire : un même message n'est jamais mis deux fois en file."),
    )
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    attachments = models.JSONField(
        _("pièces jointes"),
        default=list,
        blank=True,
        help_text=_("Liste de {filename, content, mimetype} (texte seulement, ex. .ics)."),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    # A message whose content the sender builds just before sending it (portal.mail renderers),
    # from the ids stored here: the request that queues it renders nothing, and what is sent
    # describes the rows as they are at that moment, never as they were when it was queued.
    renderer = models.CharField(_("composé par"), max_length=100, blank=True)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def is_uncertain(self) -> bool:
        return (
            self.status == self.Status.SENDING
            and self.claimed_at is not None
            and self.claimed_at < timezone.now() - UNCERTAIN_AFTER
        )


class ImportUpload(models.Model):
    """A spreadsheet a staff member has had checked and previewed, waiting for "Confirmer
    l'import" (``portal.imports.uploads``).

    Kept in the database, never on a web server's disk: the confirmation may reach another web
    process or host. The confirmation takes it (once, and only its sender); what is never
    confirmed goes with the sender's next upload or the periodic purge
    (``IMPORT_UPLOAD_MAX_AGE``). The import page caps a file at 2 MB.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_uploads",
        verbose_name=_("envoyé par"),
    )
    # The model the file imports into, as "app_label.model_name" (its admin's opts.label_lower).
    import_label = models.CharField(_("import"), max_length=100)
    name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=4)
    data = models.BinaryField(_("contenu"))
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fichier à importer")
        verbose_name_plural = _("fichiers à importer")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.import_label})"
