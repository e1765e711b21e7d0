"""URLs of the project pages."""

from django.urls import path

from projets import views

app_name = "projets"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("<slug:slug>/", views.ProjectDetailView.as_view(), name="project_detail"),
]
