"""The file between an import's preview and its confirmation, kept in the database.

Many web processes (and hosts) serve the admin on one PostgreSQL: the confirmation may reach
another process than the preview, so the previewed file waits in a ``portal.ImportUpload`` row,
never on a web server's disk, and the staff member's session holds only its id.

- ``import_upload_create``: the preview was right; keep the file. The sender's earlier file for
  the same import goes (a new preview replaces it), and so does any of theirs past
  ``IMPORT_UPLOAD_MAX_AGE``.
- ``import_upload_take``: the confirmation; only the sender, only once, only while fresh.
- ``import_upload_purge``: what was previewed and never confirmed goes (hourly, by beat).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.models import ImportUpload, User

GONE = _("Le fichier à importer n'est plus disponible : envoyez-le à nouveau.")
NOT_YOURS = _(
    "Ce fichier a été envoyé par une autre personne : seule elle peut confirmer son import. "
    "Envoyez votre propre fichier."
)
EXPIRED = ngettext_lazy(
    "L'aperçu date de plus d'%(minutes)d minute : envoyez à nouveau le fichier pour le "
    "vérifier avant de l'importer.",
    "L'aperçu date de plus de %(minutes)d minutes : envoyez à nouveau le fichier pour le "
    "vérifier avant de l'importer.",
    "minutes",
)


def import_upload_max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE)


def _stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - import_upload_max_age()


@transaction.atomic
def import_upload_create(
    *, user: User, import_label: str, name: str, file_format: str, data: bytes
) -> ImportUpload:
    """Keep a file whose preview was right until its sender confirms it."""
    ImportUpload.objects.filter(user=user).filter(
        Q(import_label=import_label) | Q(created_at__lt=_stale_before())
    ).only("pk").delete()
    return ImportUpload.objects.create(
        user=user,
        import_label=import_label,
        name=name[:255],
        file_format=file_format,
        data=data,
    )


@transaction.atomic
def import_upload_take(*, user: User, upload_id: int, import_label: str) -> ImportUpload:
    """The file to import now, deleted as it is handed over: a second confirmation finds
    nothing. Refuses (``ValidationError``) a file that is gone, another person's, or older
    than ``IMPORT_UPLOAD_MAX_AGE``.

    Call it inside the import's transaction: a confirmation at the same moment waits on the
    row's lock, then finds it gone; an import that fails with an error keeps the file.
    """
    upload = (
        ImportUpload.objects.select_for_update()
        .filter(pk=upload_id, import_label=import_label)
        .first()
    )
    if upload is None:
        raise ValidationError(GONE, code="gone")
    if upload.user_id != user.pk:
        raise ValidationError(NOT_YOURS, code="not_yours")
    if upload.created_at < _stale_before():
        minutes = max(1, settings.IMPORT_UPLOAD_MAX_AGE // 60)
        raise ValidationError(EXPIRED, code="expired", params={"minutes": minutes})
    upload.delete()
    upload.data = bytes(upload.data)  # a memoryview on PostgreSQL
    return upload


def import_upload_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files previewed more than ``IMPORT_UPLOAD_MAX_AGE`` ago and never
    confirmed; returns how many (idempotent: a second run finds none)."""
    deleted, _by_model = (
        ImportUpload.objects.filter(created_at__lt=_stale_before(now)).only("pk").delete()
    )
    return deleted
