"""The province field of the forms of what belongs to a province: input validation only."""

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
