"""URLs of the newsletter: subscription, confirmation, unsubscription, preferences, archive."""

app_name = "newsletter"

urlpatterns: list = []
