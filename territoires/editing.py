"""The officers' spaces of what belongs to a province (events, news, needs): who enters, and
the province a new object starts in. Built on the ground's scaffold (``portal.editing``) and
the one policy (``territoires.permissions.ProvincePolicy``) that each resource's
``permissions`` module makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy as _

from portal.editing import ServiceFormView, SpaceMixin

if TYPE_CHECKING:
    from portal.models import User
    from territoires.permissions import ProvincePolicy


class ProvinceSpaceMixin(SpaceMixin):
    """Staff, or the officer of at least one province, enter; anyone else finds nothing."""

    policy: ClassVar[ProvincePolicy[Any]]
    refused_message = _("Cet espace est réservé aux chargé·es de mission territoriale.")

    def may_enter(self, user: User) -> bool:
        return self.policy.can_create(user)


class ProvinceCreateView(ProvinceSpaceMixin, ServiceFormView[Any]):
    """A new object, in one of this person's provinces (or Wallonia-wide, for staff): the form
    (which takes ``user``) starts in an officer's only province."""

    form_takes_user = True

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        province = self.policy.default_province(self.request.user)
        if province is not None:
            initial["province"] = province
        return initial
