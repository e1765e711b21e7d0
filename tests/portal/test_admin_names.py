"""The admin speaks French: every section (app) and every field of every registered model has a
name of ours, translated, and not an English one (Django's defaults are plain strings: the
field's name, the app's label capitalised)."""

import pytest
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

# Words that are the same in both languages: their French name may equal their English one.
SAME_IN_BOTH = frozenset(
    {
        "Chantiers communs",  # the portal's name for its workstreams, kept in English too
        "code",
        "description",
        "HTML",
        "introduction",
        "latitude",
        "longitude",
        "message",
        "organisation",
        "permissions",
        "province",
        "slug",
        "source",
        "type",
    }
)


def names(name):
    with translation.override("fr"):
        french = str(name)
    with translation.override("en"):
        english = str(name)
    return french, english


def registered_fields():
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue  # the id, and reverse relations (named by the other side)
            yield model, field


@pytest.mark.parametrize(
    ("model", "field"),
    list(registered_fields()),
    ids=lambda value: getattr(value, "name", getattr(value, "__name__", str(value))),
)
def test_every_field_has_a_french_name(model, field):
    assert isinstance(field.verbose_name, Promise), (
        f"{model._meta.label}.{field.name} has no translated verbose_name"
    )
    french, english = names(field.verbose_name)
    assert french != english or french in SAME_IN_BOTH, f"{model._meta.label}.{field.name}"


def test_every_model_has_french_names():
    for model in admin.site._registry:
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
            assert isinstance(name, Promise), model._meta.label


def test_every_section_of_the_admin_index_has_a_french_name():
    configs = {model._meta.app_config for model in admin.site._registry}
    assert configs
    for config in configs:
        assert isinstance(config.verbose_name, Promise), config.label
        french, english = names(config.verbose_name)
        assert french != english or french in SAME_IN_BOTH, config.label


@pytest.mark.django_db
def test_the_admin_index_shows_no_english_section(client, staff):
    client.force_login(staff)

    page = client.get("/admin/").content.decode()

    assert "Portail" in page and "Chantiers communs" in page
    for english in ("Portal", "Projects", "Events", "Territories", "Newsletter"):
        assert f">{english}<" not in page
