"""The chantier cards' labels written in Python say what the templates said, in both
languages, the title escaped."""

from django.utils import translation

from chantiers.templatetags.chantier_tags import (
    chantier_label,
    project_count_label,
    step_count_label,
)


def test_the_counts_in_french_and_in_english():
    with translation.override("fr"):
        assert [step_count_label(1), step_count_label(3)] == ["1 étape", "3 étapes"]
        assert project_count_label(2) == "2 projets participants"
    with translation.override("en"):
        assert [step_count_label(1), step_count_label(3)] == ["1 step", "3 steps"]
        assert project_count_label(1) == "1 participating project"


def test_the_chantier_label_escapes_the_title():
    with translation.override("fr"):
        assert chantier_label("A & <b>") == "Chantier « A &amp; &lt;b&gt; »"
    with translation.override("en"):
        assert chantier_label("Diagnostics") == "Workstream “Diagnostics”"
