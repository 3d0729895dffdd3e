from django.urls import path

from . import catalogue_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("du-kien-ngay-hen/", views.due_preview, name="due-preview"),
    # The public procedure catalogue (gh-3 item 9).
    path("thu-tuc/", catalogue_views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", catalogue_views.procedure_detail, name="procedure"),
    path(
        "thu-tuc/<str:code>/mau/<int:component_id>/",
        catalogue_views.component_form,
        name="component-form",
    ),
    path(
        "thu-tuc/<str:code>/nop-truc-tuyen/",
        catalogue_views.submit_online,
        name="submit-online",
    ),
    path("co-quan/<str:code>/", catalogue_views.agency_detail, name="agency"),
]
