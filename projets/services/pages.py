"""The leaders' (and staff's) edit of a project's public page and its chantiers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chantiers.models import Chantier, Participation
from portal.models import User, in_wallonia
from projets.models import Project
from projets.permissions import (
    can_edit_project,
    is_project_staff,
)
from projets.services.join_requests import text_too_long

DESCRIPTION_MAX_LENGTH = 5000
# What a leader may change; name, slug, province, status and confirmation stay with staff.
PAGE_FIELDS = (
    "summary",
    "description",
    "communes",
    "website",
    "contact_name",
    "contact_email",
    "types",
    "latitude",
    "longitude",
)
CHANGE_REASON_LEADER = "Modification de la fiche par un·e porteur·euse"
CHANGE_REASON_STAFF = "Modification de la fiche par la Cellule (Mon espace)"


def _participations_update(project: Project, participations: Mapping[int, str | None]) -> None:
    """Apply {chantier pk: role, or None for no participation} to the project's rows.

    For a candidate chantier a leader can only state interest: an existing participation
    (perhaps a role staff gave) is kept as it is.
    """
    chantiers = Chantier.objects.in_bulk(list(participations))
    if len(chantiers) != len(participations):
        raise ValidationError(
            _("Un des chantiers n'existe plus : rechargez la page et recommencez."),
            code="unknown_chantier",
        )
    existing = {
        p.chantier_id: p for p in Participation.objects.select_for_update().filter(project=project)
    }
    to_delete = []
    for chantier_id, role in participations.items():
        chantier = chantiers[chantier_id]
        current = existing.get(chantier_id)
        if not role:
            if current is not None:
                to_delete.append(current.pk)
            continue
        if role not in Participation.Role.values:
            raise ValidationError(
                _("Rôle inconnu pour le chantier « %(chantier)s ».") % {"chantier": chantier},
                code="unknown_role",
            )
        if chantier.is_candidate:
            if role != Participation.Role.INTERESTED:
                raise ValidationError(
                    _(
                        "« %(chantier)s » est une piste de chantier : un projet peut seulement "
                        "s'y dire intéressé."
                    )
                    % {"chantier": chantier},
                    code="candidate_role",
                )
            if current is not None:
                continue
        if current is None:
            Participation.objects.create(project=project, chantier=chantier, role=role)
        elif current.role != role:
            current.role = role
            current.save(update_fields=["role", "updated_at"])
    if to_delete:
        Participation.objects.filter(pk__in=to_delete).delete()


def location_placed_by_hand(project: Project, *, moved: bool) -> bool:
    """A point someone placed by hand is where the project is, no longer its commune's centre:
    once the coordinates change, "position approximative" goes. Every door that lets a person
    move the point (the leaders' page, the admin) calls this; the CSV import and the seed, which
    place projects at their commune's centre, do not. Returns whether the mark was cleared."""
    if moved and project.location_is_approximate:
        project.location_is_approximate = False
        return True
    return False


@transaction.atomic
def project_page_update(
    *,
    user: User,
    project: Project,
    data: Mapping[str, Any],
    participations: Mapping[int, str | None],
) -> Project:
    """Update the public page of a project and the chantiers it takes part in, all or nothing.

    ``data`` holds only ``PAGE_FIELDS`` (``types``: project types); ``participations`` maps
    chantier pks to a ``Participation.Role`` value or None. The change is recorded in the
    project's history with who made it.
    """
    if not can_edit_project(user, project):
        raise ValidationError(
            _("Vous ne pouvez pas modifier la fiche de ce projet."), code="not_allowed"
        )
    others = sorted(set(data) - set(PAGE_FIELDS))
    if others:
        raise ValidationError(
            _("Ces informations ne se modifient pas ici : %(fields)s.")
            % {"fields": ", ".join(others)},
            code="not_editable",
        )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    point_before = (locked.latitude, locked.longitude)
    for name, value in data.items():
        if name != "types":
            setattr(locked, name, value)
    location_placed_by_hand(locked, moved=(locked.latitude, locked.longitude) != point_before)
    if len(locked.description) > DESCRIPTION_MAX_LENGTH:
        raise text_too_long("description", DESCRIPTION_MAX_LENGTH)
    editable = set(PAGE_FIELDS) - {"types"}
    locked.full_clean(
        exclude=[f.name for f in Project._meta.fields if f.name not in editable],
        validate_unique=False,
        validate_constraints=False,
    )
    if (
        locked.has_location
        and not in_wallonia(float(locked.latitude), float(locked.longitude))  # type: ignore[arg-type]
        and not is_project_staff(user)
    ):
        raise ValidationError(
            {
                "latitude": ValidationError(
                    _(
                        "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie. "
                        "Seule la Cellule Manger Demain peut placer un projet hors de Wallonie."
                    ),
                    code="outside_wallonia",
                    params={"latitude": locked.latitude, "longitude": locked.longitude},
                )
            }
        )
    locked._change_reason = (  # type: ignore[attr-defined]
        CHANGE_REASON_STAFF if is_project_staff(user) else CHANGE_REASON_LEADER
    )
    locked._history_user = user  # type: ignore[attr-defined]
    locked.save()
    if "types" in data:
        locked.types.set(data["types"])
    _participations_update(locked, participations)
    return locked
