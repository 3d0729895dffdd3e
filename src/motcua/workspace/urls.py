from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("viec/<slug:queue>/", views.home, name="queue"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/giay-to/<int:document_id>/", views.document, name="document"),
]
