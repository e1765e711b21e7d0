"""Writes on the news ("actualités"): create, update, publish, unpublish and delete.

Each service checks the permission functions itself (a view's queryset is one guard, not the
only one), re-reads the row under lock before changing it, and validates the item against the
model's rules: an officer's item carries one of their provinces; staff may leave the province
empty (all of Wallonia); the chantier is optional. Each leaves a history entry naming who acted
and why (``reason``, optional: the service's own word otherwise).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chantiers.models import News
from chantiers.permissions import (
    can_manage_news,
    can_place_news_in,
    can_write_news,
    is_news_staff,
)
from portal.history import history_note
from portal.model_updates import model_assign, model_locked, model_update, model_validate
from portal.models import User
from portal.slugs import unique_slug
from territoires.models import Province

# The fields a person sets through the space's form; slug, publication and authorship are the
# services' own business.
EDITABLE_FIELDS = ("title", "chantier", "province", "summary", "body")
# Set by staff only (the admin's form): the public address and who signs.
STAFF_FIELDS = ("slug", "author")
BODY_MAX_LENGTH = 20_000
# Paths that a slug would shadow (/actualites/rss/, /espace/actualites/nouvelle/…).
RESERVED_SLUGS = frozenset({"rss", "atom", "chantier", "province", "nouvelle"})


def _fields_for(user: User, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields this person may set: the form's, and the slug and author for staff only."""
    given = [name for name in STAFF_FIELDS if name in data]
    if given and not is_news_staff(user):
        raise PermissionDenied(
            _("Seule la Cellule Manger Demain modifie l'adresse ou l'auteur·rice.")
        )
    return EDITABLE_FIELDS + tuple(given)


def _check_province(*, user: User, province: Province | None) -> None:
    if can_place_news_in(user, province):
        return
    if province is None:
        raise ValidationError(
            {"province": _("Choisissez la province de l'actualité.")}, code="required"
        )
    raise ValidationError(
        {"province": _("Vous ne gérez pas les actualités de cette province.")}, code="forbidden"
    )


def _check_body(news: News) -> None:
    """The body's limit, which ``full_clean`` leaves to the form for a TextField."""
    if len(news.body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": ValidationError(
                    _("Le texte ne peut pas dépasser %(max)s caractères (actuellement %(count)s).")
                    % {"max": f"{BODY_MAX_LENGTH:n}", "count": f"{len(news.body):n}"},
                    code="max_length",
                )
            }
        )


def news_slug_for(title: str) -> str:
    """A unique slug from the title, never one of the list's own paths."""
    text = title
    if slugify(text) in RESERVED_SLUGS:
        text = f"{text} actualite"
    return unique_slug(News.objects.all(), text, fallback="actualite")


def _locked(news: News) -> News:
    return model_locked(news, gone=_("Cette actualité n'existe plus."))


@transaction.atomic
def news_create(*, user: User, data: Mapping[str, Any], reason: str = "") -> News:
    """A new draft in one of this person's provinces (or Wallonia-wide, for staff)."""
    if not can_write_news(user):
        raise PermissionDenied(_("Vous ne pouvez pas rédiger d'actualité."))
    _check_province(user=user, province=data.get("province"))
    news = News(author=user, published_at=None)
    model_assign(news, fields=_fields_for(user, data), data=data)
    news.author = news.author or user
    news.slug = news.slug or news_slug_for(news.title)
    model_validate(news, check=_check_body)
    history_note(news, user=user, reason=reason, default=_("Création"))
    news.save()
    return news


@transaction.atomic
def news_update(*, user: User, news: News, data: Mapping[str, Any], reason: str = "") -> News:
    """Change what the form holds; the slug and the publication stay (the address does not move)."""
    news = _locked(news)
    if not can_manage_news(user, news):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette actualité."))
    _check_province(user=user, province=data.get("province", news.province))
    history_note(news, user=user, reason=reason, default=_("Modification"))
    model_update(instance=news, fields=_fields_for(user, data), data=data, check=_check_body)
    return news


@transaction.atomic
def news_publish(
    *, user: User, news: News, at: datetime.datetime | None = None, reason: str = ""
) -> News:
    """Publish now, or at ``at`` (a time in the future schedules it)."""
    news = _locked(news)
    if not can_manage_news(user, news):
        raise PermissionDenied(_("Vous ne pouvez pas publier cette actualité."))
    now = timezone.now()
    if news.published_at is not None and news.published_at <= now:
        raise ValidationError(_("Cette actualité est déjà publiée."), code="already_published")
    if at is not None and timezone.is_naive(at):
        raise ValidationError(_("L'heure de publication doit être précise."), code="naive")
    news.published_at = at or now
    model_validate(news, check=_check_body)
    history_note(news, user=user, reason=reason, default=_("Publication"))
    news.save(update_fields=["published_at", "updated_at"])
    return news


@transaction.atomic
def news_unpublish(*, user: User, news: News, reason: str = "") -> News:
    """Back to a draft: it leaves the public pages and the feeds at once."""
    news = _locked(news)
    if not can_manage_news(user, news):
        raise PermissionDenied(_("Vous ne pouvez pas retirer cette actualité."))
    if news.published_at is None:
        raise ValidationError(_("Cette actualité est déjà un brouillon."), code="draft")
    news.published_at = None
    history_note(news, user=user, reason=reason, default=_("Retrait de la publication"))
    news.save(update_fields=["published_at", "updated_at"])
    return news


@transaction.atomic
def news_delete(*, user: User, news: News, reason: str = "") -> None:
    """Delete for good (a published item disappears from the pages and the feeds)."""
    news = _locked(news)
    if not can_manage_news(user, news):
        raise PermissionDenied(_("Vous ne pouvez pas supprimer cette actualité."))
    history_note(news, user=user, reason=reason, default=_("Suppression"))
    news.delete()


@transaction.atomic
def news_save(*, user: User, news: News | None, data: Mapping[str, Any], reason: str = "") -> News:
    """Create or change an item and bring its publication to ``data["published_at"]``, as one
    change, for a form that holds the publication with the other fields (the admin's).

    No date: a draft (``news_unpublish``); a date: published then, now or later
    (``news_publish``); a published item given another date is withdrawn and published again.
    """
    if news is None:
        news = news_create(user=user, data=data, reason=reason)
    else:
        news = news_update(user=user, news=news, data=data, reason=reason)
    if "published_at" not in data:
        return news
    at = data["published_at"]
    if at == news.published_at:
        return news
    if news.published_at is not None and (at is None or news.is_published):
        news = news_unpublish(user=user, news=news, reason=reason)
    if at is not None:
        news = news_publish(user=user, news=news, at=at, reason=reason)
    return news
