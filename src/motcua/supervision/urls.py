"""Supervision and statistics (gh-8), mounted at /giam-sat/.

Staff dashboard on the daily aggregates under ``thong-ke/``; other supervision
pages (indices, exports, the public transparency page) add their routes here.
"""

from django.urls import URLPattern, URLResolver, path

from . import public_views, report_views, views

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("thong-ke/", views.dashboard, name="dashboard"),
    path("thong-ke/ho-so/", views.dossier_list, name="dossier_list"),
    # Indices, late work, reports and the public page (gh-8 items 3–7).
    path("chi-so-766/", report_views.index_766_page, name="index-766"),
    path("chi-so-766/ho-so/", report_views.index_766_dossiers_page, name="index-766-dossiers"),
    path("chi-so-tt-01/", report_views.index_circular_page, name="index-circular"),
    path("tre-han/", report_views.lateness_page, name="lateness"),
    path("bao-cao/", report_views.reports_page, name="reports"),
    path("cong-khai/", public_views.transparency, name="public"),
]
