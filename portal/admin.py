"""Admin of the outbox, and the admin login (through allauth's, which has a rate limit)."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.mail import email_requeue, wake_sender
from portal.models import UNCERTAIN_AFTER, OutgoingEmail, uncertain_q

# The admin's own login form has no rate limit: send people to allauth's, which has one.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# --- Outbox ------------------------------------------------------------------------------------


class OutboxStateFilter(admin.SimpleListFilter):
    """The statuses, with "sending" split: in progress, or interrupted long ago (uncertain)."""

    title = _("état")
    parameter_name = "etat"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.QUEUED.label),
            ("in_progress", _("Envoi en cours")),
            ("uncertain", _("Incertain")),
            (OutgoingEmail.Status.SENT, OutgoingEmail.Status.SENT.label),
            (OutgoingEmail.Status.FAILED, OutgoingEmail.Status.FAILED.label),
            (OutgoingEmail.Status.DROPPED, OutgoingEmail.Status.DROPPED.label),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> Any:
        value = self.value()
        if value == "uncertain":
            return queryset.uncertain()  # type: ignore[attr-defined]
        if value == "in_progress":
            return queryset.filter(status=OutgoingEmail.Status.SENDING).exclude(uncertain_q())
        if value:
            return queryset.filter(status=value)
        return queryset


# What a non-superuser may not read: bodies hold confirmation and password reset links, with
# which staff could take over the account (a superuser's included) that a message is sent to.
OUTBOX_BODY_FIELDS = ("body_text", "body_html", "headers", "attachments")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read only: staff see what was sent, what failed, what is stuck, and resend."""

    list_display = ("to", "subject", "status_label", "attempts", "created_at", "sent_at")
    list_filter = (OutboxStateFilter,)
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
        if obj.is_uncertain and obj.claimed_at:
            return format_html(
                "<strong>{}</strong> <small>({})</small>",
                _("Incertain"),
                _(
                    "envoi interrompu le %(date)s : peut-être reçu. Vérifiez auprès de la "
                    "personne, puis renvoyez-le si besoin."
                )
                % {"date": localtime(obj.claimed_at).strftime("%d/%m/%Y %H:%M")},
            )
        return str(obj.get_status_display())

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if request.method == "GET" and (count := OutgoingEmail.objects.uncertain().count()):
            self.message_user(
                request,
                format_html(
                    '{} <a href="?etat=uncertain">{}</a>',
                    ngettext(
                        "%(count)d message est incertain : son envoi a été interrompu il y a "
                        "plus de %(minutes)d minutes, peut-être après que le serveur l'a "
                        "accepté. Il ne sera pas renvoyé sans vous.",
                        "%(count)d messages sont incertains : leur envoi a été interrompu il y "
                        "a plus de %(minutes)d minutes, peut-être après que le serveur les a "
                        "acceptés. Ils ne seront pas renvoyés sans vous.",
                        count,
                    )
                    % {"count": count, "minutes": UNCERTAIN_AFTER.seconds // 60},
                    _("Les voir"),
                ),
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Renvoyer"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        uncertain = queryset.uncertain().count()  # type: ignore[attr-defined]
        count = email_requeue(pks=selected)
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
        if uncertain:
            self.message_user(
                request,
                ngettext(
                    "Attention : %(count)d de ces messages était incertain. Son envoi a été "
                    "interrompu, peut-être après que le serveur l'a accepté : la personne "
                    "pourrait le recevoir en double.",
                    "Attention : %(count)d de ces messages étaient incertains. Leur envoi a été "
                    "interrompu, peut-être après que le serveur les a acceptés : les personnes "
                    "pourraient les recevoir en double.",
                    uncertain,
                )
                % {"count": uncertain},
                messages.WARNING,
            )
        if skipped := len(selected) - count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message déjà envoyé, en cours d'envoi ou déjà en attente n'a "
                    "pas été touché.",
                    "%(count)d messages déjà envoyés, en cours d'envoi ou déjà en attente "
                    "n'ont pas été touchés.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
