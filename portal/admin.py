"""Admin of the outbox, and the admin login (through allauth's, which has a rate limit)."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.mail import email_requeue, wake_sender
from portal.models import OutgoingEmail

# The admin's own login form has no rate limit: send people to allauth's, which has one.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# --- Outbox ------------------------------------------------------------------------------------

# What a non-superuser may not read: bodies hold confirmation and password reset links, with
# which staff could take over the account (a superuser's included) that a message is sent to.
OUTBOX_BODY_FIELDS = ("body_text", "body_html", "headers", "attachments")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read only: staff see what was sent, what failed, what is stuck, and resend."""

    list_display = ("to", "subject", "status_label", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")  # never the bodies: a search would reveal their links
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("resend",)
    fields = (
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "key",
        "created_at",
        "claimed_at",
        "sent_at",
        *OUTBOX_BODY_FIELDS,
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return [f for f in fields if f not in OUTBOX_BODY_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list's action needs "change"; a message itself is never edited.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("statut"), ordering="status")
    def status_label(self, obj: OutgoingEmail) -> str:
        if obj.status == OutgoingEmail.Status.SENDING and obj.claimed_at:
            return format_html(
                "{} <small>({})</small>",
                obj.get_status_display(),
                _("depuis le %(date)s : peut-être déjà envoyé")
                % {"date": obj.claimed_at.strftime("%d/%m/%Y %H:%M")},
            )
        return str(obj.get_status_display())

    @admin.action(description=_("Renvoyer"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        selected = dict(queryset.values_list("pk", "status"))
        sending = sum(status == OutgoingEmail.Status.SENDING for status in selected.values())
        count = email_requeue(pks=list(selected))
        if count:
            transaction.on_commit(wake_sender)
        self.message_user(
            request,
            ngettext(
                "%(count)d message remis en file d'envoi.",
                "%(count)d messages remis en file d'envoi.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
        if sending:
            self.message_user(
                request,
                ngettext(
                    "Attention : %(count)d de ces messages était « Envoi en cours ». Son envoi "
                    "a été interrompu, peut-être après que le serveur l'a accepté : la personne "
                    "pourrait le recevoir en double.",
                    "Attention : %(count)d de ces messages étaient « Envoi en cours ». Leur "
                    "envoi a été interrompu, peut-être après que le serveur les a acceptés : "
                    "les personnes pourraient les recevoir en double.",
                    sending,
                )
                % {"count": sending},
                messages.WARNING,
            )
        if skipped := len(selected) - count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message déjà envoyé ou déjà en attente n'a pas été touché.",
                    "%(count)d messages déjà envoyés ou déjà en attente n'ont pas été touchés.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
