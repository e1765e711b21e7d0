"""URLs of the signed-in space ("Mon espace") that belong to portal."""

from django.urls import path

from events.views_registration import MyRegistrationsView
from hub import views_account as account
from hub import views_espace

app_name = "espace"

urlpatterns = [
    path("", views_espace.EspaceHomeView.as_view(), name="home"),
    path("compte/", account.AccountView.as_view(), name="account"),
    path("compte/export/", account.AccountExportView.as_view(), name="account_export"),
    path("compte/supprimer/", account.AccountDeleteView.as_view(), name="account_delete"),
    path("inscriptions/", MyRegistrationsView.as_view(), name="registrations"),
]
