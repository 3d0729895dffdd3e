"""Payment pages, mounted under /payments/ inside the language prefixes."""

from django.urls import path

from . import simulator, views

app_name = "payments"

urlpatterns = [
    path("start/", views.payment_start_view, name="start"),
    path("return/<slug:provider>/", views.payment_return, name="return"),
    # Enabled only when MOTCUA_PAYMENT_SIMULATOR is true (404 otherwise).
    path("simulator/vnpay/", simulator.vnpay_simulator, name="vnpay_simulator"),
    path("<str:reference>/", views.payment_detail, name="detail"),
    path("<str:reference>/cancel/", views.payment_cancel_view, name="cancel"),
]
