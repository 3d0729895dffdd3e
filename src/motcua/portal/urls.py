from django.urls import include, path

from . import catalogue_views, citizen_views, filing_views, views

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
    # Online filing (gh-5 items 2–3) and the citizen's own pages (item 6).
    path(
        "thu-tuc/<str:code>/nop-truc-tuyen/bat-dau/",
        filing_views.filing_start,
        name="filing-start",
    ),
    path("tra-cuu/", citizen_views.lookup, name="lookup"),
    path("ho-so-cua-toi/", citizen_views.my_dossiers, name="my-dossiers"),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/da-nop/",
        filing_views.filing_done,
        name="filing-done",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/nop/",
        filing_views.filing_submit,
        name="filing-submit",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/thanh-toan/",
        filing_views.filing_pay,
        name="filing-pay",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/xoa/",
        filing_views.filing_delete,
        name="filing-delete",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/giay-to/<int:component_id>/tai-len/",
        filing_views.filing_upload,
        name="filing-upload",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/giay-to/<int:component_id>/tu-kho/",
        filing_views.filing_pick,
        name="filing-pick",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/giay-to/go/<int:attachment_id>/",
        filing_views.filing_detach,
        name="filing-detach",
    ),
    path(
        "ho-so-cua-toi/ban-khai/<uuid:draft_id>/<str:step>/",
        filing_views.filing_step,
        name="filing-step",
    ),
    path("ho-so-cua-toi/<str:code>/", citizen_views.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", citizen_views.my_supplement, name="my-supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", citizen_views.my_withdrawal, name="my-withdrawal"),
    path("ho-so-cua-toi/<str:code>/dia-chi-nhan/", citizen_views.my_delivery, name="my-delivery"),
    path(
        "ho-so-cua-toi/<str:code>/mau/<slug:form>.pdf",
        citizen_views.my_form,
        name="my-form",
    ),
    path(
        "ho-so-cua-toi/<str:code>/giay-to/<int:document_id>/",
        citizen_views.my_document,
        name="my-document",
    ),
    path("ho-so-cua-toi/<str:code>/danh-gia/", include("motcua.ratings.urls")),  # gh-5 item 11
]
