"""The staff's dashboard, in the admin (/admin/tableau-de-bord/): staff only, through the
admin's own gate (``admin_view``: its login page for anyone else)."""

from django.contrib import admin
from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", admin.site.admin_view(views.StaffDashboardView.as_view()), name="staff"),
    path(
        "<slug:slug>.csv",
        admin.site.admin_view(views.StaffFigureCsvView.as_view()),
        name="figure_csv",
    ),
]
