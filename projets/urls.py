"""URL of the project list; a project's own page is routed by the roof (hub.urls)."""

from django.urls import path

from projets import views

app_name = "projets"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
]
