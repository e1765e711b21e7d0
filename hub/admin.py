"""Admin of people's accounts (identified by their email address) and of their roles.

Roles are granted here by staff: projects led (memberships) and provinces followed, as inlines
of a person's page, each row through its service (``projets.services.membership_add``…, which
tell the person). The staff role itself (admin access through the group of the Cellule), the
superuser status, groups, individual permissions, the password and the sign-in address are a
superuser's business alone: other staff neither see nor change them (an address changed by
staff would let them receive the person's password reset link), nor change the account of
another staff member. This page gathers roles from several apps, hence its place in the roof.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.personal_data import LAST_SUPERUSER, user_delete
from portal.accounts import user_email_change
from portal.admin_services import ServiceAdmin, acting_user, inline_changes
from portal.models import User
from portal.roles import STAFF_GROUP, is_last_superuser, user_staff_grant, user_staff_revoke
from projets.models import Membership
from projets.services import membership_add, membership_remove
from territoires.models import Province
from territoires.services import province_officer_add, province_officer_remove

# Fields a non-superuser never sees on a person's page (the password: its reset link would let
# staff take over an account; people reset their own through the site).
SUPERUSER_ONLY_FIELDS = frozenset({"is_superuser", "groups", "user_permissions", "password"})


def _target_is_protected(request: HttpRequest, user: User | None) -> bool:
    """Whether this person's account is out of reach of the current (non-superuser) staff."""
    if user is None or request.user.is_superuser:
        return False
    return bool(user.is_staff or user.is_superuser)


class _LowercaseEmailMixin:
    """Emails are stored lower-cased (as the manager does), so uniqueness ignores case."""

    cleaned_data: dict[str, object]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class UserCreationForm(_LowercaseEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes: dict[str, type] = {}


class UserChangeForm(_LowercaseEmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, type] = {}


class _RoleInline(admin.TabularInline):
    """An inline of a person's page, editable only when the page itself is."""

    extra = 0

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        return not _target_is_protected(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class MembershipInline(_RoleInline):
    model = Membership
    fk_name = "user"
    fields = ("project", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("project",)
    verbose_name = _("projet porté")
    verbose_name_plural = _("Porteur·euse de projet : projets portés")


class FollowedProvinceInline(_RoleInline):
    model = Province.officers.through
    fk_name = "user"
    fields = ("province",)
    autocomplete_fields = ("province",)
    verbose_name = _("province suivie")
    verbose_name_plural = _("Chargé·e de mission territoriale : provinces suivies")


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = (MembershipInline, FollowedProvinceInline)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (
            _("Droits"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "in_staff_group",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
                "description": _(
                    "Les projets portés et les provinces suivies se gèrent plus bas. "
                    "Seul·e un·e superutilisateur·rice accorde l'accès à l'administration "
                    "(actions « Ajouter à la Cellule » / « Retirer de la Cellule » de la liste)."
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "in_staff_group")
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "followed_provinces")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    actions = ("grant_staff", "revoke_staff")

    # --- What a non-superuser sees and may change ---------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": _without(options["fields"], SUPERUSER_ONLY_FIELDS)})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_staff")  # only a superuser grants the staff role
            if obj is not None:
                fields.append("email")  # the key to the account (see the module's docstring)
        return fields

    # --- Writes, each through its service -----------------------------------------------------

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        stored = User.objects.get(pk=obj.pk)
        # The address and the staff role are left to their services, a superuser's only, called
        # once the groups of the form are saved (the role's group would be undone otherwise).
        form.role_changes = {"email": obj.email, "is_staff": obj.is_staff, "stored": stored}
        obj.email, obj.is_staff = stored.email, stored.is_staff
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changes = getattr(form, "role_changes", None)
        if changes is None:
            return
        by, person, stored = acting_user(request), form.instance, changes["stored"]
        if changes["email"] != stored.email:
            user_email_change(by=by, user=person, email=changes["email"])
        if changes["is_staff"] and not stored.is_staff:
            user_staff_grant(by=by, user=person)
        elif stored.is_staff and not changes["is_staff"]:
            user_staff_revoke(by=by, user=person)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        # As when people delete their own account: their subscriptions, addresses, outbox and
        # sessions go too, and the last superuser stays.
        user_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.order_by("pk"):
            user_delete(user=user)

    def deletion_blockers(self, request: HttpRequest, obj: User) -> list[str]:
        return [str(LAST_SUPERUSER)] if is_last_superuser(obj) else []

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        person, by = form.instance, acting_user(request)
        if formset.model is Membership:
            changes = inline_changes(formset)
            for membership in changes.removed:
                membership_remove(by=by, membership=membership)
            for membership in changes.added:
                membership_add(by=by, project=membership.project, user=person)
        elif formset.model is Province.officers.through:
            changes = inline_changes(formset)
            for row in changes.removed:
                province_officer_remove(by=by, province=row.province, user=person)
            for row in changes.added:
                province_officer_add(by=by, province=row.province, user=person)
        else:
            super().save_formset(request, form, formset, change)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f not in ("is_superuser", "groups")]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        # Roles are granted once the account exists: the add form stays the short one.
        return self.inlines if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if _target_is_protected(request, obj):
            return False  # another staff member's or a superuser's account: view only
        return super().has_change_permission(request, obj)

    def has_superuser_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("membre de la Cellule Manger Demain"), boolean=True)
    def in_staff_group(self, obj: User) -> bool:
        return obj.groups.filter(name=STAFF_GROUP).exists()

    # --- The staff role, a superuser's action ------------------------------------------------

    @admin.action(
        description=_("Ajouter à la Cellule Manger Demain (accès à l'administration)"),
        permissions=["superuser"],
    )
    def grant_staff(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._staff_action(request, queryset, user_staff_grant)

    @admin.action(
        description=_("Retirer de la Cellule Manger Demain (plus d'accès à l'administration)"),
        permissions=["superuser"],
    )
    def revoke_staff(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._staff_action(request, queryset, user_staff_revoke)

    def _staff_action(self, request: HttpRequest, queryset: QuerySet[User], service: Any) -> None:
        changed = 0
        for user in queryset:
            try:
                changed += bool(service(by=request.user, user=user))
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d compte modifié.", "%(count)d comptes modifiés.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


def _without(fields: Sequence[Any], hidden: frozenset[str]) -> tuple[Any, ...]:
    return tuple(f for f in fields if f not in hidden)
