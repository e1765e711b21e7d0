"""A person's account in their space: name, roles, data export, deletion; the privacy page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from events.retention import REMARKS_KEPT_DAYS
from hub.forms_account import AccountDeleteForm, AccountForm
from hub.personal_data import user_delete, user_delete_plan, user_export_data, user_roles
from portal.editing import SpaceMixin
from portal.models import User
from portal.service_errors import error_to_messages


class AccountView(SpaceMixin, UpdateView):
    """The name is editable here; email and password through allauth's own pages."""

    template_name = "hub/account.html"
    form_class = AccountForm
    success_url = reverse_lazy("espace:account")

    def get_object(self, queryset: Any = None) -> User:
        return self.user

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["roles"] = user_roles(user=self.object)
        return context

    def form_valid(self, form: AccountForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Votre nom est enregistré."))
        return response


class AccountExportView(SpaceMixin, View):
    """A JSON file of everything the portal holds about the signed-in person."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data = user_export_data(user=self.user)
        day = timezone.localdate().isoformat()
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="chantiers-communs-mes-donnees-{day}.json"'
        )
        # Personal data: never kept by a shared cache or the browser's back button.
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteView(SpaceMixin, FormView):
    """Says beforehand what goes and what stays anonymised; deletes on password confirmation."""

    template_name = "hub/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["plan"] = user_delete_plan(user=self.user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Before the password is even checked: an account that may not go says why at once.
        plan = user_delete_plan(user=self.user)
        if not plan.allowed:
            messages.error(request, plan.blocked_reason)
            return HttpResponseRedirect(reverse("espace:account_delete"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AccountDeleteForm) -> HttpResponse:
        request = self.request
        try:
            # A fresh instance: delete() clears the pk of the object it is given, and logout()
            # below still needs request.user as it was.
            user_delete(user=User.objects.get(pk=self.user.pk))
        except ValidationError as error:
            error_to_messages(request, error)
            return HttpResponseRedirect(reverse("espace:account_delete"))
        logout(request)
        # After logout, which flushes the session: the message goes in the new one.
        messages.success(
            request,
            _(
                "Votre compte est supprimé, ainsi que les données qui y étaient liées. "
                "Merci d'avoir participé aux chantiers communs."
            ),
        )
        return HttpResponseRedirect(reverse("home"))


class PrivacyView(TemplateView):
    template_name = "hub/privacy.html"
    # The page states the delay after which registration remarks are erased: the one applied.
    extra_context = {"remarks_days": REMARKS_KEPT_DAYS}
