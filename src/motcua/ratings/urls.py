"""Included by portal/urls.py under /ho-so-cua-toi/<code>/danh-gia/ (names join "portal:")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.rating_page, name="dossier-rating"),
]
