"""The registration form of the event page: which project one comes for, and remarks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.registrations import ORGANISATION_MAX_LENGTH, REMARKS_MAX_LENGTH
from portal.models import User
from projets.models import Project


class RegistrationForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Je viens pour le projet"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("— aucun de mes projets : une autre organisation —"),
    )
    organisation = forms.CharField(
        label=_("Une autre organisation"),
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
        help_text=_("Si vous ne venez pas pour l'un de vos projets."),
    )
    remarks = forms.CharField(
        label=_("Besoins / remarques"),
        max_length=REMARKS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Accessibilité, régime alimentaire… (1000 caractères au plus)"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = (
            Project.objects.filter(memberships__user=user)
            .exclude(status=Project.Status.WITHDRAWN)
            .order_by("name")
        )
        project_field = self.fields["project"]
        assert isinstance(project_field, forms.ModelChoiceField)
        project_field.queryset = projects

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        project = data.get("project")
        organisation = (data.get("organisation") or "").strip()
        if project is None and not organisation and "project" not in self.errors:
            self.add_error(
                "organisation",
                _("Indiquez le projet pour lequel vous venez, ou une autre organisation."),
            )
        if project is not None and organisation:
            self.add_error(
                "organisation",
                _("Indiquez soit l'un de vos projets, soit une autre organisation, pas les deux."),
            )
        return data
