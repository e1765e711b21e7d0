"""The filter forms' widgets written by Python: the very HTML of Django's widget templates; the
options read by a prepared statement: the queryset's rows, new rows included."""

import pytest
from django import forms

from portal.filter_choices import PlainSelect, PlainTextInput
from projets.filters import ProjectFilter
from projets.models import Project
from tests.territoires.factories import ProvinceFactory

CHOICES = [("", "Toutes"), ("a", "L'un & <l'autre>"), (1, "Un"), (None, "Aucun"), ("b", "Bé")]


@pytest.mark.parametrize("value", [None, "", "a", "1", 1, "b", "x", ["a", "b"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_f"}, {"id": "id_f", "aria-invalid": "true", "required": True, "x": False}],
)
def test_a_plain_select_writes_what_the_select_template_writes(value, attrs):
    expected = forms.Select(choices=CHOICES).render("f", value, attrs)
    assert PlainSelect(choices=CHOICES).render("f", value, attrs) == expected


def test_groups_of_options_are_refused_rather_than_written_wrong():
    with pytest.raises(ValueError, match="groups"):
        PlainSelect(choices=[("Groupe", [("a", "A")])]).render("f", None)


@pytest.mark.parametrize("value", [None, "", "ferme", '"><script>', 12])
def test_a_plain_text_input_writes_what_the_input_template_writes(value):
    attrs = {"type": "search", "placeholder": "Nom, porteur, commune…", "maxlength": "100"}
    expected = forms.TextInput(attrs=attrs).render("q", value, {"id": "id_q"})
    assert PlainTextInput(attrs=attrs).render("q", value, {"id": "id_q"}) == expected


@pytest.mark.django_db
def test_the_options_follow_the_rows_and_the_values_still_validate():
    ProvinceFactory(name="Alpha", slug="alpha")
    form = ProjectFilter(data=None, queryset=Project.objects.all()).form
    assert 'value="alpha"' in str(form["province"])

    ProvinceFactory(name="Bêta & co", slug="beta")  # a row added: the next form shows it
    html = str(ProjectFilter(data=None, queryset=Project.objects.all()).form["province"])
    assert '<option value="beta">Bêta &amp; co</option>' in html

    bound = ProjectFilter(data={"province": "beta"}, queryset=Project.objects.all())
    assert bound.is_valid()
    assert 'value="beta" selected' in str(bound.form["province"])
    invalid = ProjectFilter(data={"province": "nowhere"}, queryset=Project.objects.all())
    assert not invalid.is_valid()
