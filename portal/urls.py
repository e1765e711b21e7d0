"""Site URLs: the public pages of each app, the admin, and the French error pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import views
from portal.views_account import PrivacyView

admin.site.site_header = _("Chantiers communs – administration")
admin.site.site_title = _("Chantiers communs")
admin.site.index_title = _("Cellule Manger Demain")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("confidentialite/", PrivacyView.as_view(), name="privacy"),
    path("chantiers/", include("chantiers.urls")),
    path("projets/", include("projets.urls")),
    path("territoires/", include("territoires.urls")),
    path("evenements/", include("events.urls")),
    path("expertises/", include("expertises.urls")),
    path("calendrier/", include("events.urls_calendar")),
    path("actualites/", include("chantiers.urls_news")),
    path("lettre/", include("portal.newsletter.urls")),
    path("compte/", include("allauth.urls")),
    path("espace/", include("portal.urls_espace")),
    path("espace/projets/", include("projets.urls_espace")),
    path("espace/evenements/", include("events.urls_espace")),
    path("espace/expertises/", include("expertises.urls_espace")),
    path("espace/actualites/", include("chantiers.urls_espace")),
    path("espace/lettre/", include("portal.newsletter.urls_espace")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.views import defaults

    # The French error pages (templates/404.html and 500.html), viewable while developing.
    urlpatterns += [
        path("404/", defaults.page_not_found, {"exception": Exception()}),
        path("500/", defaults.server_error),
    ]
