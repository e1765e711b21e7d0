"""Admin of the newsletter: issues written, previewed, tested and sent from their page, with
the progress of the sending and the failed addresses; subscribers, with their consent."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsletter.admin_exports import SubscriberExportMixin
from newsletter.models import Delivery, Issue, Section, Subscriber
from newsletter.services.sending import (
    Progress,
    issue_fill_draft,
    issue_progress,
    issue_render,
    issue_send_start,
    issue_send_test,
    progress_aggregates,
    recipients,
)
from newsletter.services.subscriptions import subscriber_unsubscribe, subscriber_update_interests
from portal.admin_services import ServiceAdmin
from portal.models import OutgoingEmail

# The failed addresses listed on an issue's page, at most (the count says how many in all).
FAILED_SHOWN = 200
# While an issue is being sent, its page reloads itself (no script: a meta refresh).
REFRESH_SECONDS = 10

ISSUE_FIELDS = ("subject", "slug", "introduction", "provinces", "chantiers")
ISSUE_READONLY = (
    "number",
    "status",
    "created_by",
    "sending_started_at",
    "sent_at",
    "created_at",
    "updated_at",
)


def progress_of(issue: Issue) -> Progress:
    """The progress the changelist's annotations carry (progress_aggregates)."""
    return Progress(
        total=getattr(issue, "progress_total", 0),
        sent=getattr(issue, "progress_sent", 0),
        queued=getattr(issue, "progress_queued", 0),
        failed=getattr(issue, "progress_failed", 0),
        uncertain=getattr(issue, "progress_uncertain", 0),
    )


def issue_state(issue: Issue, progress: Progress) -> Any:
    """The issue's status as staff should read it: "sent" only once every message is settled.
    Its status turns "sent" when the last reader's message is queued; messages may still wait
    in the outbox, or have been interrupted mid-send (uncertain)."""
    if issue.status != Issue.Status.SENT or progress.complete:
        return issue.get_status_display()
    if progress.queued:
        return _("Envoi en cours")
    return ngettext(
        "Envoi incomplet : %(count)d message incertain",
        "Envoi incomplet : %(count)d messages incertains",
        progress.uncertain,
    ) % {"count": progress.uncertain}


class IssueChangeList(ChangeList):
    """The list's progress column comes from annotations of its one query."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.annotate(**progress_aggregates("deliveries__"))


class SectionInline(admin.StackedInline):
    """Sections are written while the issue is a draft; frozen once its sending started."""

    model = Section
    fields = ("title", "body", "order")
    extra = 0

    def _editable(self, obj: Issue | None) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Issue)
class IssueAdmin(ServiceAdmin):
    change_form_template = "admin/newsletter/issue/change_form.html"
    send_template = "admin/newsletter/issue/send_confirm.html"
    list_display = ("number", "subject", "status_label", "progress_label", "sent_at")
    list_display_links = ("number", "subject")
    list_filter = ("status",)
    search_fields = ("subject",)
    ordering = ("-number", "-created_at")
    prepopulated_fields = {"slug": ("subject",)}
    filter_horizontal = ("provinces", "chantiers")
    inlines = (SectionInline,)
    fieldsets = (
        (None, {"fields": ("subject", "slug", "introduction")}),
        (
            _("Destinataires"),
            {
                "fields": ("provinces", "chantiers"),
                "description": _(
                    "Sans province ni chantier, la lettre part à tous les abonné·es confirmé·es. "
                    "Sinon, à celles et ceux qui suivent l'une des provinces ou l'un des "
                    "chantiers choisis, et à celles et ceux qui n'ont choisi aucun intérêt."
                ),
            },
        ),
        (_("Envoi"), {"fields": ISSUE_READONLY}),
    )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return IssueChangeList

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.is_draft:
            return (*ISSUE_FIELDS, *ISSUE_READONLY)
        return ISSUE_READONLY

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj is not None and not obj.is_draft else self.prepopulated_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A sent issue stays: it is in the archive and its deliveries are the record.
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Issue, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.display(description=_("statut"), ordering="status")
    def status_label(self, obj: Issue) -> str:
        return str(issue_state(obj, progress_of(obj)))

    @admin.display(description=_("progression"))
    def progress_label(self, obj: Issue) -> str:
        progress = progress_of(obj)
        if not progress.total:
            return "—"
        label = _("%(sent)d envoyés sur %(total)d, %(queued)d en attente, %(failed)d en échec") % {
            "sent": progress.sent,
            "total": progress.total,
            "queued": progress.queued,
            "failed": progress.failed,
        }
        if progress.uncertain:
            label += ", " + ngettext(
                "%(count)d incertain", "%(count)d incertains", progress.uncertain
            ) % {"count": progress.uncertain}
        return str(label)

    # --- The change page: progress, failed addresses, buttons ---------------------------------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        issue = self.get_object(request, object_id)
        extra: dict[str, Any] = {**(extra_context or {})}
        if issue is not None:
            failed = Delivery.objects.filter(
                issue=issue, email__status=OutgoingEmail.Status.FAILED
            ).select_related("email")
            progress = issue_progress(issue=issue)
            extra.update(
                issue=issue,
                progress=progress,
                state=issue_state(issue, progress),
                failed_deliveries=list(failed.order_by("pk")[:FAILED_SHOWN]),
                failed_shown=FAILED_SHOWN,
                refresh_seconds=(
                    REFRESH_SECONDS
                    if issue.status == Issue.Status.SENDING
                    or (issue.status == Issue.Status.SENT and progress.queued)
                    else 0
                ),
                can_send=issue.is_draft and self.has_change_permission(request, issue),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any, suffix: str) -> URLPattern:
            return path(
                f"<path:object_id>/{suffix}/",
                self.admin_site.admin_view(function),
                name=f"newsletter_issue_{suffix}",
            )

        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            view(self.fill_view, "fill"),
            view(self.preview_view, "preview"),
            view(self.test_view, "test"),
            view(self.send_view, "send"),
            *super().get_urls(),
        ]

    def _issue(self, request: HttpRequest, object_id: str, *, change: bool) -> Issue:
        issue = self.get_object(request, object_id)
        if issue is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def _back(self, issue: Issue) -> HttpResponse:
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:newsletter_issue_change", args=[issue.pk])
        )

    def _refuse(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    def fill_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        issue = self._issue(request, object_id, change=True)
        try:
            issue_fill_draft(issue=issue)
        except ValidationError as error:
            self._refuse(request, error)
        else:
            self.message_user(
                request,
                _(
                    "Rubriques « Agenda » et « Actualités » mises à jour avec les événements à "
                    "venir et les actualités parues depuis le dernier numéro. Relisez-les."
                ),
                messages.SUCCESS,
            )
        return self._back(issue)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The email as subscribers will see it (links of a visitor who is no subscriber)."""
        issue = self._issue(request, object_id, change=False)
        html, _text = issue_render(issue=issue).generic()
        return HttpResponse(html)

    def test_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        issue = self._issue(request, object_id, change=True)
        to = str(getattr(request.user, "email", "") or "")
        try:
            issue_send_test(issue=issue, to=to)
        except ValidationError as error:
            self._refuse(request, error)
        else:
            self.message_user(
                request,
                _("Envoi de test mis en file pour %(email)s.") % {"email": to},
                messages.SUCCESS,
            )
        return self._back(issue)

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: the confirmation page with the number of recipients; POST: start sending."""
        issue = self._issue(request, object_id, change=True)
        if request.method == "POST":
            try:
                count = issue_send_start(issue=issue, by=request.user)
            except ValidationError as error:
                self._refuse(request, error)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Envoi commencé pour %(count)d abonné·e. Suivez sa progression ici.",
                        "Envoi commencé pour %(count)d abonné·es. Suivez sa progression ici.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
            return self._back(issue)
        if not issue.is_draft:
            self.message_user(request, _("L'envoi de ce numéro a déjà commencé."), messages.WARNING)
            return self._back(issue)
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Envoyer « %(subject)s » ?") % {"subject": issue.subject},
            "issue": issue,
            "recipient_count": recipients(issue).count(),
            "provinces": list(issue.provinces.all()),
            "chantiers": list(issue.chantiers.all()),
            "has_view_permission": self.has_view_permission(request, issue),
        }
        return TemplateResponse(request, self.send_template, context)


@admin.register(Subscriber)
class SubscriberAdmin(SubscriberExportMixin, ServiceAdmin):
    """Subscriptions are made and confirmed by their owners (double opt-in): staff read them,
    and may unsubscribe someone who asks; the consent is a record, never edited."""

    list_display = ("email", "status", "consent_at", "consent_source", "user")
    list_select_related = ("user",)
    list_filter = ("status", "provinces", "chantiers")
    search_fields = ("email",)
    ordering = ("email",)
    actions = ("unsubscribe",)
    fields = (
        "email",
        "status",
        "user",
        "provinces",
        "chantiers",
        "consent_at",
        "consent_source",
        "confirmation_sent_at",
        "unsubscribed_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "email",
        "status",
        "user",
        "consent_at",
        "consent_source",
        "confirmation_sent_at",
        "unsubscribed_at",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("provinces", "chantiers")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a subscription needs its owner's consent, given through the site

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The interests through the service the subscriber's own preferences page uses.
        data = form.cleaned_data
        if "provinces" in data and "chantiers" in data:
            subscriber_update_interests(
                subscriber=form.instance,
                provinces=data.pop("provinces"),
                chantiers=data.pop("chantiers"),
            )
        super().save_related(request, form, formsets, change)

    @admin.action(description=_("Désinscrire"), permissions=["change"])
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        done = 0
        for subscriber in queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED):
            subscriber_unsubscribe(token=subscriber.token)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d abonné·e désinscrit·e.", "%(count)d abonné·es désinscrit·es.", done)
            % {"count": done},
            messages.SUCCESS,
        )
