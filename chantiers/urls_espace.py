"""URLs of "Mon espace" for news: officers and staff write the news of their provinces."""

from django.urls import path

from chantiers import views_espace

app_name = "espace_news"

urlpatterns = [
    path("", views_espace.NewsManageListView.as_view(), name="news_list"),
    path("nouvelle/", views_espace.NewsCreateView.as_view(), name="news_create"),
    path("<slug:slug>/", views_espace.NewsPreviewView.as_view(), name="news_preview"),
    path("<slug:slug>/modifier/", views_espace.NewsEditView.as_view(), name="news_edit"),
    path("<slug:slug>/publier/", views_espace.NewsPublishView.as_view(), name="news_publish"),
    path("<slug:slug>/depublier/", views_espace.NewsUnpublishView.as_view(), name="news_unpublish"),
    path("<slug:slug>/supprimer/", views_espace.NewsDeleteView.as_view(), name="news_delete"),
]
