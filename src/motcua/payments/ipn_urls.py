"""Server-to-server gateway notifications: outside the language prefixes, CSRF-exempt."""

from django.urls import path

from . import views

app_name = "payments_ipn"

urlpatterns = [
    path("vnpay/", views.vnpay_ipn, name="vnpay"),
]
