"""URL of "Mon espace" for the newsletter: a member subscribes or leaves in one click."""

app_name = "espace_newsletter"

urlpatterns: list = []
