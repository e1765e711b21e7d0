"""The registration form of the event page: which project one comes for, and remarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from events.services import ORGANISATION_MAX_LENGTH, REMARKS_MAX_LENGTH
from portal.models import User
from projets.models import Project

# ModelChoiceField's own ``queryset`` property (its setter also gives the widget its choices).
_queryset_get: Callable[[Any], Any] = vars(forms.ModelChoiceField)["queryset"].fget
_queryset_set: Callable[[Any, Any], None] = vars(forms.ModelChoiceField)["queryset"].fset


class _ProjectsOfField(forms.ModelChoiceField):
    """Its choices built only when they are read: to show the form, or to check a project
    chosen. A registration for another organisation builds no queryset (with its join through
    the memberships, some 8% of the POST's CPU)."""

    build: Callable[[], QuerySet[Project]] | None = None

    @property
    def queryset(self) -> Any:
        if self.build is not None:
            build, self.build = self.build, None
            _queryset_set(self, build())
        return _queryset_get(self)

    @queryset.setter
    def queryset(self, queryset: Any) -> None:
        self.build = None
        _queryset_set(self, queryset)


class RegistrationForm(forms.Form):
    project = _ProjectsOfField(
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
        project_field = self.fields["project"]
        assert isinstance(project_field, _ProjectsOfField)
        project_field.build = lambda: (
            Project.objects.filter(memberships__user=user)
            .exclude(status=Project.Status.WITHDRAWN)
            .order_by("name")
        )

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
