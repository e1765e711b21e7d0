"""Forms of the territoires app: the province field of what belongs to a province, and the
contact form of a province's territorial officers (input validation only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portal.types import Visitor
    from territoires.permissions import ProvincePolicy


class ProvinceFieldMixin(forms.BaseForm):
    """Offers the provinces this person may attach the object to (``policy``). Staff may leave
    it empty, for all of Wallonia (``wallonia_wide_help`` says so); an officer must choose."""

    policy: ClassVar[ProvincePolicy[Any]]
    wallonia_wide_help: ClassVar[StrOrPromise]

    def __init__(self, *args: Any, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.for_staff = self.policy.is_staff(user)
        province = self.fields["province"]
        assert isinstance(province, forms.ModelChoiceField)
        province.queryset = self.policy.provinces_for(user)
        if self.for_staff:
            province.required = False
            province.empty_label = _("Toute la Wallonie (aucune province)")
            province.help_text = self.wallonia_wide_help
        else:
            province.required = True
            province.empty_label = _("Choisissez une province")
            province.help_text = ""


# Long enough for a real question, short enough not to carry a document.
MESSAGE_MAX_LENGTH = 5000


class OfficerContactForm(forms.Form):
    name = forms.CharField(
        label=_("Votre nom"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Les chargé·es de mission vous répondront à cette adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Votre projet ou organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    message = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    copy = forms.BooleanField(
        label=_("M'envoyer une copie à l'adresse de mon compte"), required=False, initial=True
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A copy goes only to the address of a signed-in account: a typed address could be
        # anyone's, and the form must not send mail on a stranger's behalf.
        if not signed_in:
            del self.fields["copy"]
