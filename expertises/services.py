"""Writes on needs, offers and workshop proposals, and the emails they cause.

Each service checks the permission itself (a view's queryset is one guard, not the only one)
and validates the row against the model's rules, raising a French ``ValidationError``. Emails go
to the outbox (``portal.mail``) in the same transaction, each with a key that lets it through
once: a match is told once per (need, facilitator) or (need, offer), a scheduled proposal once
per person.

Hook for the admin: after a facilitator is saved with its categories and provinces (a new
entry, or one gaining a category or a province), call ``facilitator_published(facilitator=…)``.
The hourly ``notify_need_matches`` scan (``needs_notify_all_matches``) catches anything missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event
from events.services import event_create
from expertises.matching import needs_for_facilitator, needs_for_offer
from expertises.models import Category, Facilitator, Need, Offer, Support, WorkshopProposal
from expertises.permissions import (
    can_edit_need,
    can_manage_proposals,
    can_propose_workshop,
    can_see_need_matches,
)
from portal.mail import email_queue_template
from portal.model_updates import model_assign, model_locked, model_update, model_validate
from portal.models import User
from projets.models import Project
from projets.permissions import can_edit_project
from territoires.models import Province

if TYPE_CHECKING:
    from portal.types import Visitor

NEED_FIELDS = ("category", "province", "description", "urgency")
OFFER_FIELDS = ("category", "description")
PROPOSAL_FIELDS = ("title", "description", "chantier")


def _check_text_lengths(obj: Any) -> None:
    """The length of the text fields, which ``full_clean`` leaves to the form for a TextField:
    a service called from elsewhere must refuse them too."""
    errors: dict[str, list[str]] = {}
    for field in obj._meta.get_fields():
        limit = getattr(field, "max_length", None)
        if field.get_internal_type() != "TextField" or not limit:
            continue
        value = getattr(obj, field.name) or ""
        if len(value) > limit:
            errors.setdefault(field.name, []).append(
                _("Ce texte ne peut pas dépasser %(max)s caractères (il en compte %(count)s).")
                % {"max": limit, "count": len(value)}
            )
    if errors:
        raise ValidationError(errors)


def _check_project(user: User, project: Project) -> None:
    if not can_edit_project(user, project):
        raise ValidationError(
            _(
                "Vous ne portez pas ce projet : vous ne pouvez pas en modifier les besoins "
                "et offres."
            ),
            code="forbidden",
        )


# Needs ----------------------------------------------------------------------------------------


@transaction.atomic
def need_create(*, user: User, project: Project, data: Mapping[str, Any]) -> Need:
    _check_project(user, project)
    need = Need(project=project, created_by=user, province=project.province)
    model_assign(need, fields=NEED_FIELDS, data=data)
    model_validate(need, check=_check_text_lengths)
    need.save()
    return need


@transaction.atomic
def need_update(*, user: User, need: Need, data: Mapping[str, Any]) -> Need:
    need = model_locked(need)
    if not can_edit_need(user, need):
        raise ValidationError(_("Vous ne pouvez pas modifier ce besoin."), code="forbidden")
    model_update(instance=need, fields=NEED_FIELDS, data=data, check=_check_text_lengths)
    return need


@transaction.atomic
def need_delete(*, user: User, need: Need) -> None:
    if not can_edit_need(user, need):
        raise ValidationError(_("Vous ne pouvez pas supprimer ce besoin."), code="forbidden")
    need.delete()


@transaction.atomic
def need_mark_answered(*, by: Visitor, need: Need) -> Need:
    """Those who oversee the need, or the project's leaders, close it once it has found its
    answer."""
    need = model_locked(need)
    if not isinstance(by, User) or not can_see_need_matches(by, need):
        raise ValidationError(
            _("Vous ne pouvez pas marquer ce besoin comme répondu."), code="forbidden"
        )
    if need.status == Need.Status.ANSWERED:
        raise ValidationError(_("Ce besoin est déjà marqué comme répondu."), code="answered")
    need.status = Need.Status.ANSWERED
    need.answered_at = timezone.now()
    need.answered_by = by
    need.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    return need


# Offers ---------------------------------------------------------------------------------------


@transaction.atomic
def offer_create(*, user: User, project: Project, data: Mapping[str, Any]) -> Offer:
    _check_project(user, project)
    offer = Offer(project=project, created_by=user)
    model_assign(offer, fields=OFFER_FIELDS, data=data)
    model_validate(offer, check=_check_text_lengths)
    offer.save()
    needs_notify_new_matches(offer=offer)
    return offer


@transaction.atomic
def offer_update(*, user: User, offer: Offer, data: Mapping[str, Any]) -> Offer:
    offer = model_locked(offer, select_related=["project"])
    _check_project(user, offer.project)
    model_update(instance=offer, fields=OFFER_FIELDS, data=data, check=_check_text_lengths)
    # A new category may fit needs it did not fit before; the keys skip those already told.
    needs_notify_new_matches(offer=offer)
    return offer


@transaction.atomic
def offer_delete(*, user: User, offer: Offer) -> None:
    _check_project(user, offer.project)
    offer.delete()


# Notifications of matches ---------------------------------------------------------------------


def _leader_emails(project: Project) -> list[str]:
    return sorted(
        {
            m.user.email
            for m in project.memberships.select_related("user")
            if m.user.is_active and m.user.email
        }
    )


def _notify(need: Need, *, facilitator: Facilitator | None, offer: Offer | None) -> int:
    key = (
        f"need-{need.pk}-facilitator-{facilitator.pk}"
        if facilitator is not None
        else f"need-{need.pk}-offer-{offer.pk}"  # type: ignore[union-attr]
    )
    context = {
        "need": need,
        "facilitator": facilitator,
        "offer": offer,
        "need_url": need.get_absolute_url(),
    }
    sent = 0
    for email in _leader_emails(need.project):
        if email_queue_template(to=email, template="need_match", context=context, key=key):
            sent += 1
    return sent


def needs_notify_new_matches(
    *, facilitator: Facilitator | None = None, offer: Offer | None = None
) -> int:
    """Email the leaders of every open need that this facilitator or offer fits, once per
    (need, match): the outbox key makes a second call a no-op. Returns the emails queued."""
    sent = 0
    if facilitator is not None:
        for need in needs_for_facilitator(facilitator).select_related(
            "project", "category", "province"
        ):
            sent += _notify(need, facilitator=facilitator, offer=None)
    if offer is not None:
        for need in needs_for_offer(offer).select_related("project", "category", "province"):
            sent += _notify(need, facilitator=None, offer=offer)
    return sent


@transaction.atomic
def facilitator_published(*, facilitator: Facilitator) -> int:
    """For the admin: call after saving a facilitator and its categories and provinces."""
    return needs_notify_new_matches(facilitator=facilitator)


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190].strip("-") or "facilitateur"
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug


@transaction.atomic
def facilitator_create_many(
    *, facilitators: Sequence[tuple[Facilitator, Sequence[Category], Sequence[Province]]]
) -> list[Facilitator]:
    """Create validated, unsaved facilitators (an import's rows), each with a unique slug, its
    categories and provinces, published; then tell the open needs each one matches, as a
    facilitator saved in the admin does (``facilitator_published``)."""
    taken = set(Facilitator.objects.values_list("slug", flat=True))
    created = []
    for facilitator, categories, provinces in facilitators:
        facilitator.slug = _unique_slug(facilitator.name, taken)
        facilitator.is_published = True
        facilitator.save()
        facilitator.categories.set(categories)
        facilitator.provinces.set(provinces)
        created.append(facilitator)
    for facilitator in created:
        facilitator_published(facilitator=facilitator)
    return created


@transaction.atomic
def needs_notify_all_matches() -> int:
    """The hourly scan: what no hook told yet. Only matches that appeared or changed after
    the need was recorded are news: the leader saw the older ones on the need's page."""
    sent = 0
    facilitators = Facilitator.objects.published().prefetch_related("categories", "provinces")
    for facilitator in facilitators:
        for need in (
            needs_for_facilitator(facilitator)
            .filter(created_at__lt=facilitator.updated_at)
            .select_related("project", "category", "province")
        ):
            sent += _notify(need, facilitator=facilitator, offer=None)
    for offer in Offer.objects.select_related("project", "category"):
        for need in (
            needs_for_offer(offer)
            .filter(created_at__lt=offer.updated_at)
            .select_related("project", "category", "province")
        ):
            sent += _notify(need, facilitator=None, offer=offer)
    return sent


# Workshop proposals ---------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, user: Visitor, data: Mapping[str, Any]) -> WorkshopProposal:
    if not isinstance(user, User) or not can_propose_workshop(user):
        raise ValidationError(_("Connectez-vous pour proposer un atelier."), code="forbidden")
    proposal = WorkshopProposal(proposed_by=user)
    model_assign(proposal, fields=PROPOSAL_FIELDS, data=data)
    model_validate(proposal, exclude=["event"], check=_check_text_lengths)
    proposal.save()
    return proposal


def proposal_support_toggle(*, user: Visitor, proposal: WorkshopProposal) -> bool:
    """Support, or withdraw one's support; returns whether the person supports it now.
    The unique constraint counts a double click once."""
    if not isinstance(user, User):
        raise ValidationError(_("Connectez-vous pour soutenir une proposition."), code="forbidden")
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
        if deleted:
            return False
        if proposal.status != WorkshopProposal.Status.OPEN:
            raise ValidationError(
                _("Cette proposition n'est plus ouverte aux soutiens."), code="closed"
            )
        if proposal.proposed_by_id == user.pk:
            raise ValidationError(
                _(
                    "Vous avez proposé cet atelier : votre proposition compte déjà, seuls "
                    "les autres membres peuvent la soutenir."
                ),
                code="own_proposal",
            )
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
    except IntegrityError:
        pass  # a concurrent click of the same person: already supported
    return True


def _lock_open_proposal(proposal: WorkshopProposal) -> WorkshopProposal:
    proposal = model_locked(proposal)
    if proposal.status != WorkshopProposal.Status.OPEN:
        raise ValidationError(
            _("Cette proposition a déjà été traitée (%(status)s).")
            % {"status": proposal.get_status_display()},
            code="not_open",
        )
    return proposal


@transaction.atomic
def proposal_schedule(*, user: User, proposal: WorkshopProposal, data: Mapping[str, Any]) -> Event:
    """Create a draft workshop from the proposal and tell its supporters and its author."""
    if not can_manage_proposals(user):
        raise ValidationError(_("Vous ne pouvez pas programmer cet atelier."), code="forbidden")
    proposal = _lock_open_proposal(proposal)
    try:
        event = event_create(user=user, data={**data, "kind": Event.Kind.WORKSHOP})
    except PermissionDenied as error:
        raise ValidationError(str(error), code="forbidden") from error
    proposal.event = event
    proposal.status = WorkshopProposal.Status.SCHEDULED
    proposal.save(update_fields=["event", "status", "updated_at"])
    proposal_scheduled_notify(proposal=proposal)
    return event


def _proposal_people(proposal: WorkshopProposal) -> list[User]:
    """Its author and supporters who can receive an email, each once, in address order."""
    people = {s.user for s in proposal.supports.select_related("user")}
    if proposal.proposed_by is not None:
        people.add(proposal.proposed_by)
    return sorted(
        (person for person in people if person.is_active and person.email),
        key=lambda p: p.email,
    )


def proposal_scheduled_notify(*, proposal: WorkshopProposal) -> int:
    context = {"proposal": proposal, "proposal_url": proposal.get_absolute_url()}
    sent = 0
    for person in _proposal_people(proposal):
        if email_queue_template(
            to=person.email,
            template="proposal_scheduled",
            context=context,
            key=f"proposal-{proposal.pk}-scheduled",
        ):
            sent += 1
    return sent


def proposal_event_published_notify(*, event: Event) -> int:
    """Tell the authors and supporters of the proposals this event came from that it is
    published, with its date and the registration link, as the scheduling email promised.

    Called when the event is published (``events.hooks.event_published``, received in
    ``expertises.receivers``), inside that transaction. Once per person and event: the outbox
    key makes a second publication (after a return to draft) or a second call a no-op.
    Returns the emails queued.
    """
    sent = 0
    proposals = WorkshopProposal.objects.filter(event=event).select_related("proposed_by")
    for proposal in proposals:
        context = {
            "proposal": proposal,
            "event": event,
            "proposal_url": proposal.get_absolute_url(),
            "registration_url": event.get_absolute_url() + "#inscription",
        }
        for person in _proposal_people(proposal):
            if email_queue_template(
                to=person.email,
                template="proposal_published",
                context=context,
                key=f"proposal-event-{event.pk}-published",
            ):
                sent += 1
    return sent


@transaction.atomic
def proposal_decline(*, user: User, proposal: WorkshopProposal) -> WorkshopProposal:
    if not can_manage_proposals(user):
        raise ValidationError(_("Vous ne pouvez pas écarter cette proposition."), code="forbidden")
    proposal = _lock_open_proposal(proposal)
    proposal.status = WorkshopProposal.Status.DECLINED
    proposal.save(update_fields=["status", "updated_at"])
    return proposal
