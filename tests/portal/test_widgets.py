"""The point picker widget and the located-model form that uses it."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.forms import modelform_factory
from django.urls import reverse

from events.models import Event
from portal.forms import LocatedModelForm
from portal.widgets import PointPickerWidget
from projets.models import Project
from tests.projets.factories import ProjectFactory


class Tags(HTMLParser):
    """Collects the start tags of a page with their attributes, and inline script bodies."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.inline_scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def parse(html):
    parser = Tags()
    parser.feed(str(html))
    return parser


def picker_attrs(html):
    return next(attrs for tag, attrs in parse(html).tags if "data-point-picker" in attrs)


# --- Widget ----------------------------------------------------------------------------------


def test_widget_renders_its_configuration_as_data_attributes(settings):
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = '&copy; <a href="https://example.org">Exemple</a>'
    settings.WALLONIA_BOUNDS = ((49.45, 2.8), (50.85, 6.45))
    widget = PointPickerWidget(latitude_input_id="id_lat", longitude_input_id="id_lng")

    html = widget.render("point", None, attrs={"id": "id_point"})

    attrs = picker_attrs(html)
    assert attrs["id"] == "id_point"
    assert attrs["data-latitude-input"] == "id_lat"
    assert attrs["data-longitude-input"] == "id_lng"
    assert attrs["data-tiles-url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    # Escaped in the HTML, read back intact by the script through dataset.
    assert attrs["data-tiles-attribution"] == '&copy; <a href="https://example.org">Exemple</a>'
    assert '<a href="https://example.org">' not in html
    assert attrs["data-bounds"] == "49.45,2.8,50.85,6.45"
    assert attrs["aria-label"]


def test_widget_without_tiles_says_so(settings):
    settings.MAP_TILES_URL = ""

    attrs = picker_attrs(PointPickerWidget().render("point", None))

    assert attrs["data-tiles-url"] == ""


def test_widget_has_no_inline_script_and_hides_the_map_until_the_script_runs():
    html = PointPickerWidget().render("point", None, attrs={"id": "id_point"})

    assert "<script" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handler either
    wrapper = parse(html).tags[0]
    assert wrapper == ("div", {"class": "point-picker", "hidden": None})


def test_widget_media_loads_the_vendored_leaflet_and_the_picker_script():
    media = PointPickerWidget().media

    assert list(media._js) == ["vendor/leaflet/leaflet.js", "js/point-picker.js"]
    assert list(media._css["all"]) == ["vendor/leaflet/leaflet.css", "css/point-picker.css"]
    for path in [*media._js, *media._css["all"]]:
        assert finders.find(path), path


def test_widget_posts_nothing():
    widget = PointPickerWidget()

    assert widget.value_from_datadict({"point": "x"}, {}, "point") is None
    assert widget.id_for_label("id_point") == ""


# --- Located form ----------------------------------------------------------------------------

ProjectForm = modelform_factory(
    Project, form=LocatedModelForm, fields=["name", "slug", "status", "latitude", "longitude"]
)


def form_data(**overrides):
    return {"name": "Halle", "slug": "halle", "status": "ongoing", **overrides}


@pytest.mark.django_db
def test_form_accepts_a_point_in_wallonia():
    form = ProjectForm(data=form_data(latitude="50.46", longitude="4.87"))

    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_form_accepts_no_point():
    form = ProjectForm(data=form_data())

    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_form_refuses_a_point_outside_wallonia_without_the_override():
    form = ProjectForm(data=form_data(latitude="48.85", longitude="2.35"))  # Paris

    assert not form.is_valid()
    assert form.has_error("__all__", code="outside_wallonia")
    assert "hors de Wallonie" in form.non_field_errors()[0]
    assert "Confirmer un point hors de Wallonie" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_form_accepts_a_point_outside_wallonia_with_the_override():
    form = ProjectForm(
        data=form_data(latitude="48.85", longitude="2.35", confirm_outside_wallonia="on")
    )

    assert form.is_valid(), form.errors
    project = form.save()
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("48.85"), Decimal("2.35"))


@pytest.mark.django_db
def test_form_still_wants_both_coordinates():
    form = ProjectForm(data=form_data(latitude="50.46"))

    assert not form.is_valid()
    assert "ou aucune des deux" in str(form.errors)


def test_form_points_the_map_at_its_own_inputs():
    form = ProjectForm(prefix="projet")

    attrs = picker_attrs(form["point"].as_widget())

    assert attrs["data-latitude-input"] == form["latitude"].auto_id == "id_projet-latitude"
    assert attrs["data-longitude-input"] == "id_projet-longitude"
    assert form.fields["confirm_outside_wallonia"].label == "Confirmer un point hors de Wallonie"


def test_each_form_has_its_own_widget():
    first, second = ProjectForm(prefix="a"), ProjectForm(prefix="b")

    assert picker_attrs(first["point"].as_widget())["data-latitude-input"] == "id_a-latitude"
    assert picker_attrs(second["point"].as_widget())["data-latitude-input"] == "id_b-latitude"


# --- In the admin pages ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:projets_project_add"),
        lambda: reverse("admin:projets_project_change", args=[ProjectFactory().pk]),
        lambda: reverse("admin:events_event_add"),
    ],
    ids=["project-add", "project-change", "event-add"],
)
def test_admin_pages_carry_the_picker_and_no_inline_script(admin_client, url):
    response = admin_client.get(url())

    assert response.status_code == HTTPStatus.OK
    page = parse(response.content.decode())
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert page.inline_scripts == []
    assert all("src" in attrs for attrs in scripts), scripts
    sources = [attrs["src"] for attrs in scripts]
    assert "/static/vendor/leaflet/leaflet.js" in sources
    assert "/static/js/point-picker.js" in sources
    picker = picker_attrs(response.content.decode())
    assert picker["data-latitude-input"] == "id_latitude"
    assert picker["data-longitude-input"] == "id_longitude"
    # The two plain inputs stay usable without JavaScript.
    inputs = {attrs.get("name"): attrs for tag, attrs in page.tags if tag == "input"}
    assert inputs["latitude"]["type"] == inputs["longitude"]["type"] == "number"
    assert inputs["confirm_outside_wallonia"]["type"] == "checkbox"


def test_event_admin_uses_the_located_form():
    from django.contrib import admin

    assert issubclass(admin.site.get_model_admin(Event).form, LocatedModelForm)
    assert issubclass(admin.site.get_model_admin(Project).form, LocatedModelForm)
