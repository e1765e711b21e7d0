"""Forms of a person's account page: their name, and the password that confirms a deletion."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.models import User


class AccountForm(forms.ModelForm):
    """The name shown to staff and to the other leaders of a project (no side effect)."""

    class Meta:
        model = User
        fields = ("first_name", "last_name")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Pour confirmer que c'est bien vous qui demandez la suppression."),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        assert isinstance(user, User)
        # Through allauth, so that wrong passwords count against the same rate limit as failed
        # logins ("Trop de tentatives…" once it is reached) instead of offering a free oracle.
        authenticated = get_adapter(self.request).authenticate(
            self.request, email=user.email, password=password
        )
        if authenticated is None or authenticated.pk != user.pk:
            raise forms.ValidationError(_("Ce mot de passe est incorrect."), code="invalid")
        return password
