from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("ho-so/", views.profile, name="profile"),
]
