"""Forms of the newsletter: subscription (page and footer) and interests. Input only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from newsletter.services.subscriptions import INVALID_EMAIL, SOURCE_FOOTER, SOURCE_PAGE
from territoires.models import Province

# The path recorded with the consent ("Pied de page – /projets/"): enough to know the page.
SOURCE_PATH_MAX_LENGTH = 200
# Path parameters that may name a page publicly; any other (a key, a token) is a secret.
PUBLIC_KWARGS = {"slug", "pk"}


class ChantierChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.is_candidate:
            return str(_("%(title)s (piste de chantier)") % {"title": obj.title})
        return str(obj.title)


def _provinces_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Provinces"),
        queryset=Province.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : les nouvelles de toute la Wallonie."),
    )


def _chantiers_field() -> ChantierChoiceField:
    return ChantierChoiceField(
        label=_("Chantiers"),
        # Active chantiers first ("active" < "candidate"), then the candidate ones.
        queryset=Chantier.objects.order_by("status", "order", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : les nouvelles de tous les chantiers."),
    )


def source_path(value: str) -> str:
    """A local path of this site, without query string, secrets or excess length; else ""."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return ""
    path = parts.path
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    if set(match.kwargs) - PUBLIC_KWARGS:
        # e.g. a password-reset or confirmation key in the path: keep the section only.
        return "/" + path.strip("/").split("/", 1)[0] + "/…"
    return path[:SOURCE_PATH_MAX_LENGTH]


class InterestsForm(forms.Form):
    """Provinces and chantiers followed (none of either means everything)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provinces"] = _provinces_field()
        self.fields["chantiers"] = _chantiers_field()


class SubscribeForm(InterestsForm):
    """The subscription form of its own page; the footer posts its email (and its page) here."""

    email = forms.CharField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez l'adresse e-mail à laquelle recevoir la lettre."),
            "max_length": INVALID_EMAIL,
        },
    )
    # The page the footer form was sent from (a local path), recorded with the consent.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The email first, then the interests.
        self.order_fields(["email", "provinces", "chantiers", "source"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        try:
            forms.EmailField().clean(email)
        except forms.ValidationError:
            raise forms.ValidationError(INVALID_EMAIL, code="invalid") from None
        return email

    def clean_source(self) -> str:
        return source_path(self.cleaned_data.get("source", ""))

    def consent_source(self) -> str:
        path = self.cleaned_data.get("source", "")
        return str(SOURCE_FOOTER % {"path": path}) if path else str(SOURCE_PAGE)
