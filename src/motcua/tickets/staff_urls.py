"""Staff queue pages under /can-bo/quay/ (names "tickets_staff:…"): counter screen, stats."""

from django.urls import path

from . import counter_views

app_name = "tickets_staff"

urlpatterns = [
    path("", counter_views.counter_list, name="counters"),
    path("<int:counter_id>/", counter_views.counter_screen, name="counter"),
    path("<int:counter_id>/mo/", counter_views.counter_open, name="open"),
    path("<int:counter_id>/<slug:action>/", counter_views.counter_action, name="action"),
    path("danh-gia/<int:ticket_id>/", counter_views.rating, name="rating"),
    path("thong-ke/<int:center_id>/", counter_views.stats_page, name="stats"),
    path("thong-ke/<int:center_id>/csv/", counter_views.stats_csv, name="stats-csv"),
]
