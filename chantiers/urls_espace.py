"""URLs of "Mon espace" for news: officers and staff write the news of their provinces."""

app_name = "espace_news"

urlpatterns: list = []
