"""Proposals of new pistes (candidate chantiers) by project leaders, and staff's decision.

The document ends its list of pistes with « N'hésitez pas à revenir vers nous afin de compléter
la liste » : a leader proposes one on behalf of a project they lead; staff review it in the
admin. Accepted, it becomes a candidate chantier in which the project is interested; either
way the person who proposed it is told by email.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.models import Chantier, Participation
from portal.mail import email_queue_template
from portal.models import User
from portal.search import fold
from portal.slugs import unique_slug
from projets.models import PisteProposal, Project
from projets.permissions import (
    can_decide_piste_proposals,
    project_staff_users,
    projects_led_by,
)

logger = logging.getLogger(__name__)

PISTE_TITLE_MAX_LENGTH = 200
PISTE_DESCRIPTION_MAX_LENGTH = 2000


def _same_title(title: str) -> str:
    """The form two titles are compared in: case, accents and spacing aside."""
    return " ".join(fold(title).split())


def _duplicate_refusal(title: str, *, exclude_pk: int | None = None) -> str | None:
    """Why a piste of this title would repeat one: an existing chantier or a pending proposal."""
    wanted = _same_title(title)
    for chantier in Chantier.objects.only("title", "status"):
        if _same_title(chantier.title) == wanted:
            if chantier.status == Chantier.Status.CANDIDATE:
                return _(
                    "La piste « %(title)s » existe déjà : déclarez-y l'intérêt de votre projet."
                ) % {"title": chantier.title}
            return _("Le chantier « %(title)s » existe déjà : rejoignez-le plutôt.") % {
                "title": chantier.title
            }
    pending = PisteProposal.objects.pending()
    if exclude_pk is not None:
        pending = pending.exclude(pk=exclude_pk)
    for proposal in pending.only("title"):
        if _same_title(proposal.title) == wanted:
            return _(
                "La piste « %(title)s » a déjà été proposée et attend la réponse de la Cellule "
                "Manger Demain."
            ) % {"title": proposal.title}
    return None


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def piste_propose(
    *, user: User, project: Project, title: str, description: str = ""
) -> PisteProposal:
    """Propose a new piste on behalf of ``project``, which ``user`` leads; staff are told."""
    if not projects_led_by(user).filter(pk=project.pk).exists():
        raise ValidationError(
            _("Seul·es les porteur·euses d'un projet peuvent proposer une piste en son nom."),
            code="not_leader",
        )
    title = " ".join(title.split())
    description = description.strip()
    if not title:
        raise ValidationError(
            {
                "title": _(
                    "Donnez un titre à la piste : le sujet du futur chantier, en quelques mots."
                )
            },
            code="empty",
        )
    if len(title) > PISTE_TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("Ce titre dépasse %(limit)s caractères : raccourcissez-le.")
                % {"limit": PISTE_TITLE_MAX_LENGTH}
            },
            code="max_length",
        )
    if len(description) > PISTE_DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": _("Ce texte dépasse %(limit)s caractères : raccourcissez-le.")
                % {"limit": PISTE_DESCRIPTION_MAX_LENGTH}
            },
            code="max_length",
        )
    refusal = _duplicate_refusal(title)
    if refusal:
        raise ValidationError({"title": refusal}, code="duplicate")
    try:
        with transaction.atomic():
            proposal = PisteProposal.objects.create(
                project=project, proposed_by=user, title=title, description=description
            )
    except IntegrityError:
        # The constraint on pending titles: the same piste proposed at the same moment.
        raise ValidationError(
            {
                "title": _(
                    "Cette piste vient d'être proposée : elle attend la réponse de la Cellule."
                )
            },
            code="duplicate",
        ) from None
    review_url = _site_url(reverse("admin:projets_pisteproposal_change", args=[proposal.pk]))
    for recipient in project_staff_users().order_by("email"):
        email_queue_template(
            to=recipient.email,
            template="piste_proposal_new",
            context={"proposal": proposal, "project": project, "review_url": review_url},
            key=f"piste-proposal-{proposal.pk}-new",
        )
    return proposal


def _lock_pending(*, by: User, proposal: PisteProposal) -> PisteProposal:
    if not can_decide_piste_proposals(by):
        raise ValidationError(
            _("Vous ne pouvez pas répondre à cette proposition."), code="forbidden"
        )
    locked = (
        PisteProposal.objects.select_for_update(of=("self",))
        .select_related("project", "proposed_by")
        .get(pk=proposal.pk)
    )
    if locked.status != PisteProposal.Status.PENDING:
        raise ValidationError(
            _("Cette proposition a déjà reçu une réponse : elle est « %(status)s ».")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    return locked


def _tell_proposer(proposal: PisteProposal, template: str, **context: object) -> None:
    person = proposal.proposed_by
    if person is None or not person.is_active:
        return  # the account was deleted meanwhile: nobody to tell
    email_queue_template(
        to=person.email,
        template=template,
        context={"proposal": proposal, "project": proposal.project, **context},
        key=f"piste-proposal-{proposal.pk}-decision",
    )


@transaction.atomic
def piste_proposal_accept(*, by: User, proposal: PisteProposal) -> PisteProposal:
    """Make the proposal a candidate chantier, with its project interested; tell the proposer."""
    locked = _lock_pending(by=by, proposal=proposal)
    refusal = _duplicate_refusal(locked.title, exclude_pk=locked.pk)
    if refusal:
        raise ValidationError(refusal, code="duplicate")
    last = Chantier.objects.order_by("-order").values_list("order", flat=True).first() or 0
    chantier = Chantier(
        title=locked.title,
        slug=unique_slug(Chantier.objects.all(), locked.title, fallback="piste"),
        description=locked.description,
        status=Chantier.Status.CANDIDATE,
        order=last + 1,
    )
    chantier.full_clean()
    chantier.save()
    Participation.objects.get_or_create(
        chantier=chantier, project=locked.project, defaults={"role": Participation.Role.INTERESTED}
    )
    locked.status = PisteProposal.Status.ACCEPTED
    locked.chantier = chantier
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "chantier", "decided_at", "updated_at"])
    _tell_proposer(
        locked, "piste_proposal_accepted", piste_url=_site_url(chantier.get_absolute_url())
    )
    return locked


@transaction.atomic
def piste_proposal_decline(*, by: User, proposal: PisteProposal) -> PisteProposal:
    """Set the proposal aside and tell the proposer."""
    locked = _lock_pending(by=by, proposal=proposal)
    locked.status = PisteProposal.Status.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    _tell_proposer(
        locked,
        "piste_proposal_declined",
        pistes_url=_site_url(reverse("chantiers:candidate_list")),
    )
    return locked
