"""URLs of the chantiers lists; a chantier's own page is routed by the roof (hub.urls)."""

from django.urls import path

from chantiers import views

app_name = "chantiers"

urlpatterns = [
    path("", views.ChantierListView.as_view(), name="chantier_list"),
    path("pistes/", views.CandidateListView.as_view(), name="candidate_list"),
    path("echeancier/", views.TimelineView.as_view(), name="timeline"),
]
