"""A project's description is Markdown rendered sanitised, like news; a point placed by hand
(the leaders' page, the admin) is no longer "position approximative"."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from projets.models import Project
from projets.services import location_placed_by_hand, project_page_update
from tests.admin_forms import change_form_data
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

APPROXIMATE_NOTE = "Position approximative"


@pytest.fixture
def project():
    return ProjectFactory(
        name="Ceinture alimentaire",
        latitude=Decimal("50.4669"),
        longitude=Decimal("4.8675"),
        location_is_approximate=True,
    )


def test_the_description_is_rendered_as_sanitised_markdown(client, project):
    Project.objects.filter(pk=project.pk).update(
        description=(
            "**Objectifs**\n\n- nourrir\n- relier\n\n[Notre site](https://exemple.be) "
            '<script>alert("x")</script> [piège](javascript:alert(1)) '
            '<img src=x onerror="alert(1)">'
        )
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<strong>Objectifs</strong>" in html
    assert "**Objectifs**" not in html
    assert "<li>nourrir</li>" in html
    assert 'href="https://exemple.be"' in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_an_empty_description_shows_no_block(client):
    project = ProjectFactory(description="")
    html = client.get(project.get_absolute_url()).content.decode()
    assert '<div class="prose"></div>' not in html


def page_data(project, **changes):
    data = {
        name: getattr(project, name)
        for name in ("summary", "description", "communes", "website", "contact_name")
    }
    data.update(contact_email=project.contact_email, types=[], latitude=project.latitude)
    data.update(longitude=project.longitude)
    data.update(changes)
    return data


def test_a_leader_moving_the_point_clears_approximate(client, project, committed):
    leader = MembershipFactory(project=project).user
    assert APPROXIMATE_NOTE in client.get(project.get_absolute_url()).content.decode()
    with committed():  # the page cache's version moves after the commit
        project_page_update(
            user=leader,
            project=project,
            data=page_data(project, latitude=Decimal("50.4701"), longitude=Decimal("4.8702")),
            participations={},
        )
    project.refresh_from_db()
    assert project.location_is_approximate is False
    assert APPROXIMATE_NOTE not in client.get(project.get_absolute_url()).content.decode()


def test_a_leader_changing_only_the_text_keeps_approximate(project):
    leader = MembershipFactory(project=project).user
    # The form gives the same point back, written otherwise.
    data = page_data(
        project,
        description="Nouveau texte",
        latitude=Decimal("50.46690"),
        longitude=Decimal("4.86750"),
    )
    project_page_update(user=leader, project=project, data=data, participations={})
    project.refresh_from_db()
    assert project.description == "Nouveau texte"
    assert project.location_is_approximate is True


def test_the_leaders_page_over_http_clears_it(client, project):
    leader = MembershipFactory(project=project).user
    client.force_login(leader)
    url = reverse("espace_projets:project_edit", args=[project.slug])
    data = {key: value for key, value in page_data(project).items() if key != "types"}
    data.update(latitude="50.47", longitude="4.87")
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert (project.latitude, project.location_is_approximate) == (Decimal("50.47"), False)


def admin_post(client, project, **changes):
    url = reverse("admin:projets_project_change", args=[project.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    for name in [name for name, value in changes.items() if value is None]:
        del data[name]
    return client.post(url, data)


def test_the_admin_moving_the_point_clears_approximate(client, staff, project):
    client.force_login(staff)
    response = admin_post(client, project, latitude="50.48")
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert (project.latitude, project.location_is_approximate) == (Decimal("50.48"), False)


def test_the_admin_changing_something_else_keeps_approximate(client, staff, project):
    client.force_login(staff)
    assert admin_post(client, project, summary="Autre résumé").status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.location_is_approximate is True


def test_the_admin_ticking_the_box_with_a_new_point_keeps_it(client, staff, project):
    Project.objects.filter(pk=project.pk).update(location_is_approximate=False)
    client.force_login(staff)
    # Staff move the point to another commune's centre and say so themselves.
    response = admin_post(
        client, project, latitude="50.60", longitude="5.00", location_is_approximate="on"
    )
    assert response.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.location_is_approximate is True


def test_location_placed_by_hand_only_when_moved(project):
    assert location_placed_by_hand(project, moved=False) is False
    assert project.location_is_approximate is True
    assert location_placed_by_hand(project, moved=True) is True
    assert project.location_is_approximate is False
