"""Site URLs: the public pages of each app, the admin, and the French error pages."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from chantiers import urls as chantiers_urls
from hub import views
from hub.views_account import PrivacyView
from hub.views_public import AccessibilityView, LegalNoticeView
from portal.page_cache import anonymous_page
from projets import urls as projets_urls

# A refused request (a malformed form, a NUL character) in the visitor's language.
handler400 = "portal.errors.bad_request"

admin.site.site_header = _("Chantiers communs – administration")
admin.site.site_title = _("Chantiers communs")
admin.site.index_title = _("Cellule Manger Demain")

chantier_pages = [
    path(
        "<slug:slug>/",
        anonymous_page(views.ChantierDetailView.as_view(), signed_in=True),
        name="chantier_detail",
    ),
]
project_pages = [
    path("<slug:slug>/", anonymous_page(views.ProjectDetailView.as_view()), name="project_detail"),
]

urlpatterns = [
    path("", anonymous_page(views.HomeView.as_view(), signed_in=True), name="home"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin, a feed).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("confidentialite/", PrivacyView.as_view(), name="privacy"),
    path("accessibilite/", AccessibilityView.as_view(), name="accessibility"),
    path("mentions-legales/", LegalNoticeView.as_view(), name="legal_notice"),
    # The chantier and project pages are the roof's (they gather from other apps), under the
    # namespaces of their apps.
    path("chantiers/", include((chantiers_urls.urlpatterns + chantier_pages, "chantiers"))),
    path("projets/", include((projets_urls.urlpatterns + project_pages, "projets"))),
    path("territoires/", include("hub.urls_provinces")),
    path("evenements/", include("events.urls")),
    path("expertises/", include("expertises.urls")),
    path("carte/", include("maps.urls")),
    path("calendrier/", include("events.urls_calendar")),
    path("actualites/", include("chantiers.urls_news")),
    path("lettre/", include("newsletter.urls")),
    path("donnees/", include("opendata.urls")),
    path("api/v1/", include("opendata.urls_api")),
    path("recherche/", include("search.urls")),
    path("compte/", include("allauth.urls")),
    path("espace/", include("hub.urls_espace")),
    path("espace/projets/", include("projets.urls_espace")),
    path("espace/evenements/", include("events.urls_espace")),
    path("espace/expertises/", include("expertises.urls_espace")),
    path("espace/actualites/", include("chantiers.urls_espace")),
    path("espace/lettre/", include("newsletter.urls_espace")),
    path("espace/tableau-de-bord/", include("dashboard.urls_espace")),
    # Exempt from the CSRF check: the switcher's form is on pages the same for every anonymous
    # visitor (no token); a forged POST can only change a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Before the admin's own URLs, whose last pattern catches every address under /admin/.
    path("admin/tableau-de-bord/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.views import defaults

    # The French error pages (templates/404.html and 500.html), viewable while developing.
    urlpatterns += [
        path("404/", defaults.page_not_found, {"exception": Exception()}),
        path("500/", defaults.server_error),
    ]
