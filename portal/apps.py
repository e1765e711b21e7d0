"""App configurations for the portal package and for the admin site."""

from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    # This module holds more than one AppConfig subclass: without ``default``, Django would
    # fall back to a bare AppConfig for "portal" and ready() would never run (no staff group).
    default = True
    name = "portal"
    verbose_name = _("Portail")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from portal import lookups, page_cache
        from portal.prepared import prepared_statements_forget
        from portal.roles import staff_group_ensure
        from portal.search import sqlite_functions_register

        lookups.register()
        # The shared page cache follows every write to what pages show.
        page_cache.connect()

        # After the other apps' post_migrate has created their permissions.
        post_migrate.connect(staff_group_ensure, dispatch_uid="portal.staff_group")
        # The search's folding function, on SQLite (PostgreSQL has unaccent).
        connection_created.connect(sqlite_functions_register, dispatch_uid="portal.search")
        # A new PostgreSQL connection holds none of the statements prepared on the last one.
        connection_created.connect(prepared_statements_forget, dispatch_uid="portal.prepared")


class PortalAdminConfig(SimpleAdminConfig):
    """The admin, discovering every app's admin module except django-leaflet's.

    ``leaflet.admin`` imports GeoDjango, which needs GDAL; the portal stores points as plain
    latitude/longitude and ships its own point picker, so that module must never be imported.
    """

    skipped = frozenset({"leaflet"})

    def ready(self) -> None:
        from portal import admin_safety

        super().ready()
        admin_safety.install()
        for config in apps.get_app_configs():
            if config.name not in self.skipped and module_has_submodule(config.module, "admin"):
                import_module(f"{config.name}.admin")
