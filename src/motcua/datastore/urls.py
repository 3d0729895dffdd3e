"""/kho-du-lieu/: the citizen's personal data store (gh-5 item 9)."""

from django.urls import path

from . import views

app_name = "datastore"
urlpatterns = [
    path("", views.store_index, name="index"),
    path("tai-len/", views.store_upload_page, name="upload"),
    path("tai-ve-tat-ca/", views.store_download_all, name="download-all"),
    path("<uuid:item_id>/tai-ve/", views.store_download, name="download"),
    path("<uuid:item_id>/xoa/", views.store_delete_page, name="delete"),
]
