"""URLs of the chantiers lists; a chantier's own page is routed by the roof (hub.urls)."""

from django.urls import path

from chantiers import views
from portal.page_cache import anonymous_page

app_name = "chantiers"

urlpatterns = [
    path(
        "", anonymous_page(views.ChantierListView.as_view(), signed_in=True), name="chantier_list"
    ),
    path(
        "pistes/",
        anonymous_page(views.CandidateListView.as_view(), signed_in=True),
        name="candidate_list",
    ),
    path(
        "echeancier/", anonymous_page(views.TimelineView.as_view(), signed_in=True), name="timeline"
    ),
]
