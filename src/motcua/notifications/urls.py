from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("<int:pk>/da-doc/", views.notification_read_view, name="read"),
    path("da-doc-tat-ca/", views.notification_read_all_view, name="read-all"),
]
