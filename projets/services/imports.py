"""Projects created in bulk (the validated rows of an import), and staff's confirmation."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from portal.signals import rows_changed
from projets.models import Project, ProjectType


def project_confirm_many(*, projects: QuerySet[Project]) -> int:
    """Mark projects as checked by the Cellule; returns how many changed."""
    changed = projects.filter(is_confirmed=False).update(
        is_confirmed=True, updated_at=timezone.now()
    )
    rows_changed.send(sender=Project)
    return changed


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190].strip("-") or "projet"
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug


@transaction.atomic
def project_create_many(
    *, projects: list[Project], types: list[list[ProjectType]] | None = None
) -> list[Project]:
    """Create validated, unsaved projects (an import's rows) at once, unconfirmed, each with a
    unique slug and its types (``types[i]`` for ``projects[i]``).

    bulk_create sends no post_save: ``rows_changed`` tells what derives from projects (the
    map's layers) that they changed.
    """
    taken = set(Project.objects.values_list("slug", flat=True))
    for project in projects:
        project.slug = _unique_slug(project.name, taken)
        project.is_confirmed = False
    created = Project.objects.bulk_create(projects)
    if any(project.pk is None for project in created):
        # Backends that cannot return ids from a bulk insert: fetch them by slug.
        by_slug = Project.objects.in_bulk([p.slug for p in created], field_name="slug")
        created = [by_slug[p.slug] for p in created]
    Through = Project.types.through
    Through.objects.bulk_create(
        Through(project_id=project.pk, projecttype_id=project_type.pk)
        for project, project_types in zip(created, types or [[] for _ in created], strict=True)
        for project_type in project_types
    )
    rows_changed.send(sender=Project)
    return created
