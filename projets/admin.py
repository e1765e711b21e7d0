"""Admin of projects (with their history and leaders), project types, organisations, requests to
join a project; the import and export of projects live in ``projets.admin_spreadsheets``."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chantiers.models import Participation
from portal.admin_history import HistoryAdmin
from portal.admin_services import ServiceAdmin, acting_user, inline_changes
from portal.forms import LocatedModelForm
from projets.admin_spreadsheets import ProjectSpreadsheetMixin
from projets.models import (
    JoinRequest,
    Membership,
    Organisation,
    PisteProposal,
    Project,
    ProjectType,
)
from projets.services import (
    location_placed_by_hand,
    membership_add,
    membership_remove,
    project_confirm_many,
)


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "project_count")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("order", "name")
    fields = ("name", "slug", "order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectType]:
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    @admin.display(description=_("projets"), ordering="project_count")
    def project_count(self, obj: ProjectType) -> int:
        return obj.project_count  # type: ignore[attr-defined]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "acronym", "kind", "website")
    list_filter = ("kind",)
    search_fields = ("name", "acronym")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "acronym", "slug", "kind")}),
        (_("Présentation"), {"fields": ("description", "website")}),
        (_("Historique"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


class ProjectParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("chantier", "role")
    autocomplete_fields = ("chantier",)
    extra = 0
    verbose_name = _("participation à un chantier")
    verbose_name_plural = _("participations aux chantiers")


class ProjectMembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("porteur·euse")
    verbose_name_plural = _("porteur·euses du projet (peuvent modifier sa page)")


class ConfirmationFilter(admin.SimpleListFilter):
    title = _("confirmation par la Cellule")
    parameter_name = "confirmation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("oui", _("Fiche confirmée")), ("non", _("À confirmer"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Project]) -> QuerySet[Project]:
        if self.value() == "oui":
            return queryset.filter(is_confirmed=True)
        if self.value() == "non":
            return queryset.filter(is_confirmed=False)
        return queryset


@admin.register(Project)
class ProjectAdmin(ProjectSpreadsheetMixin, ServiceAdmin, HistoryAdmin):
    form = LocatedModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/projets/project/change_list.html"
    list_display = ("name", "province", "status", "is_confirmed", "has_location", "updated_at")
    list_select_related = ("province",)
    list_filter = (
        ConfirmationFilter,
        "status",
        "province",
        "types",
        "location_is_approximate",
    )
    search_fields = ("name", "summary", "promoters", "communes", "source")
    autocomplete_fields = ("province", "types", "partners")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    ordering = ("name",)
    actions = ("mark_confirmed",)
    inlines = (ProjectParticipationInline, ProjectMembershipInline)
    # The history page ("Historique", top right) lists who changed the page and when; these
    # columns add what the change did to the status.
    history_list_display = ("status", "is_confirmed")
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "is_confirmed")}),
        (_("Présentation"), {"fields": ("summary", "description", "types", "website")}),
        (
            _("Porteurs et contact"),
            {"fields": ("promoters", "partners", "contact_name", "contact_email")},
        ),
        (
            _("Territoire et position"),
            {
                "fields": (
                    "province",
                    "communes",
                    "latitude",
                    "longitude",
                    "point",
                    "location_is_approximate",
                    "confirm_outside_wallonia",
                )
            },
        ),
        (_("Origine de l'information"), {"fields": ("source", "created_at", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Project, form: Any, change: bool) -> None:
        # A point moved here is placed by hand: no longer approximate, unless staff set the
        # box themselves in the same form.
        location_placed_by_hand(
            obj,
            moved=change
            and bool({"latitude", "longitude"} & set(form.changed_data))
            and "location_is_approximate" not in form.changed_data,
        )
        super().save_model(request, obj, form, change)

    def get_inlines(self, request: HttpRequest, obj: Project | None) -> Any:
        # Leaders are added once the page exists (from here, or by approving a request).
        return self.inlines if obj is not None else (ProjectParticipationInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Leaders through their service, which tells each new one by email.
        by, project = acting_user(request), form.instance
        changes = inline_changes(formset)
        for membership in changes.removed:
            membership_remove(by=by, membership=membership)
        for membership in changes.added:
            membership_add(by=by, project=project, user=membership.user)

    @admin.display(description=_("localisé"), boolean=True)
    def has_location(self, obj: Project) -> bool:
        return obj.has_location

    @admin.action(description=_("Marquer comme confirmée par la Cellule"), permissions=["change"])
    def mark_confirmed(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        to_confirm = list(queryset.filter(is_confirmed=False))
        count = project_confirm_many(projects=queryset)
        if to_confirm:
            LogEntry.objects.log_actions(
                user_id=cast(int, request.user.pk),
                queryset=to_confirm,
                action_flag=CHANGE,
                change_message=str(_("Fiche confirmée par la Cellule.")),
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d fiche marquée comme confirmée par la Cellule.",
                "%(count)d fiches marquées comme confirmées par la Cellule.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# --- Requests to join a project ------------------------------------------------------------------


@admin.register(JoinRequest)
class JoinRequestAdmin(ServiceAdmin):
    """Staff decide here as leaders do in their space: through the same services, so the person
    is told by email and the membership is created in the same way."""

    list_display = ("user", "project", "status", "created_at", "decided_by", "decided_at")
    list_select_related = ("user", "project", "decided_by")
    list_filter = ("status", ("project", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "project__name")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("approve", "decline")
    fields = (
        "project",
        "user",
        "message",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a request is made by the person, from the project's page

    @admin.action(description=_("Accepter les demandes sélectionnées"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> None:
        # Imported here: the services are written alongside this admin.
        from projets.services import join_request_approve

        done = self._decide(request, queryset, join_request_approve)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d demande acceptée ; la personne en est informée par e-mail.",
                    "%(count)d demandes acceptées ; les personnes en sont informées par e-mail.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Refuser les demandes sélectionnées"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> None:
        from projets.services import join_request_decline

        done = self._decide(request, queryset, join_request_decline)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d demande refusée ; la personne en est informée par e-mail.",
                    "%(count)d demandes refusées ; les personnes en sont informées par e-mail.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    def _decide(self, request: HttpRequest, queryset: QuerySet[JoinRequest], service: Any) -> int:
        """Each request on its own (one refused does not stop the others); how many were done."""
        done = 0
        for join_request in queryset.select_related("user", "project"):
            try:
                service(by=request.user, join_request=join_request)
            except ValidationError as error:
                reason = " ".join(error.messages)
            except PermissionDenied as error:
                reason = str(error) or str(_("Vous ne pouvez pas décider de cette demande."))
            else:
                done += 1
                continue
            self.message_user(
                request,
                _("Demande de %(user)s pour « %(project)s » laissée telle quelle : %(reason)s")
                % {"user": join_request.user, "project": join_request.project, "reason": reason},
                messages.WARNING,
            )
        return done


# --- Proposals of new pistes ----------------------------------------------------------------------


@admin.register(PisteProposal)
class PisteProposalAdmin(ServiceAdmin):
    """Staff review the pistes leaders propose: accepted, one becomes a candidate chantier with
    its project interested; either way the proposer is told by email (``projets.services``)."""

    list_display = ("title", "project", "status", "proposed_by", "created_at", "chantier")
    list_select_related = ("project", "proposed_by", "chantier")
    list_filter = ("status",)
    search_fields = ("title", "description", "project__name")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("accept", "decline")
    fields = (
        "title",
        "description",
        "project",
        "proposed_by",
        "status",
        "created_at",
        "decided_at",
        "chantier",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposed by a leader, from the pistes' page

    @admin.action(description=_("Accepter les pistes sélectionnées"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[PisteProposal]) -> None:
        from projets.services import piste_proposal_accept

        done = self._decide(request, queryset, piste_proposal_accept)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d piste acceptée : elle figure parmi les pistes, la personne en est "
                    "informée par e-mail.",
                    "%(count)d pistes acceptées : elles figurent parmi les pistes, les personnes "
                    "en sont informées par e-mail.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Refuser les pistes sélectionnées"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet[PisteProposal]) -> None:
        from projets.services import piste_proposal_decline

        done = self._decide(request, queryset, piste_proposal_decline)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d piste refusée ; la personne en est informée par e-mail.",
                    "%(count)d pistes refusées ; les personnes en sont informées par e-mail.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    def _decide(self, request: HttpRequest, queryset: QuerySet[PisteProposal], service: Any) -> int:
        """Each proposal on its own (one refused does not stop the others); how many were done."""
        done = 0
        for proposal in queryset.select_related("project"):
            try:
                service(by=acting_user(request), proposal=proposal)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("Piste « %(title)s » laissée telle quelle : %(reason)s")
                    % {"title": proposal.title, "reason": " ".join(error.messages)},
                    messages.WARNING,
                )
            else:
                done += 1
        return done
