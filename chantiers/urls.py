"""URLs of the chantiers pages."""

from django.urls import path

from chantiers import views

app_name = "chantiers"

urlpatterns = [
    path("", views.ChantierListView.as_view(), name="chantier_list"),
    path("pistes/", views.CandidateListView.as_view(), name="candidate_list"),
    path("<slug:slug>/", views.ChantierDetailView.as_view(), name="chantier_detail"),
]
