"""The territorial officers' dashboard in "Mon espace" (/espace/tableau-de-bord/)."""

from django.urls import path

from dashboard import views

app_name = "espace_dashboard"

urlpatterns = [
    path("", views.OfficerDashboardView.as_view(), name="home"),
    path("<slug:slug>.csv", views.OfficerFigureCsvView.as_view(), name="figure_csv"),
]
