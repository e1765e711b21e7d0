"""URLs of the news ("actualités"): list, detail and the RSS/Atom feeds."""

app_name = "news"

urlpatterns: list = []
