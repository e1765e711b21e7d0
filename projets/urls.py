"""URL of the project list; a project's own page is routed by the roof (hub.urls)."""

from django.urls import path

from portal.page_cache import anonymous_page, page_number
from projets import views

app_name = "projets"

urlpatterns = [
    path(
        "",
        anonymous_page(views.ProjectListView.as_view(), params=page_number, signed_in=True),
        name="project_list",
    ),
]
