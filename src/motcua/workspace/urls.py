from django.urls import path

from . import counter_views, oversight_views, reception_views, views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("viec/<slug:queue>/", views.home, name="queue"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/giay-to/<int:document_id>/", views.document, name="document"),
    path("ho-so/<str:code>/bieu-mau/<slug:form>/", views.official_form, name="official-form"),
    # Reception at the counter, batch reception, assisted filing (gh-6 items 3–4).
    path("tiep-nhan/", reception_views.reception, name="reception"),
    path("tiep-nhan/ket-qua/<str:code>/", reception_views.reception_done, name="reception-done"),
    path(
        "tiep-nhan/bien-nhan-chung/",
        reception_views.reception_batch_receipt,
        name="reception-batch-receipt",
    ),
    # Returning results and fees at the counter (gh-6 items 9–10).
    path("tra-ket-qua/", counter_views.find, name="counter-find"),
    path("tra-ket-qua/<str:code>/", counter_views.return_result, name="counter-return"),
    path("tra-ket-qua/<str:code>/buu-chinh/", counter_views.shipment_new, name="counter-shipment"),
    path(
        "tra-ket-qua/<str:code>/buu-chinh/nhan/",
        counter_views.shipment_label,
        name="counter-shipment-label",
    ),
    path(
        "tra-ket-qua/<str:code>/buu-chinh/su-kien/",
        counter_views.shipment_event,
        name="counter-shipment-event",
    ),
    path("danh-gia/<str:code>/", counter_views.rating, name="counter-rating"),
    path("danh-gia/<str:code>/cam-on/", counter_views.rating_thanks, name="counter-thanks"),
    path("phi/doi-soat/", counter_views.reconcile, name="counter-reconcile"),
    path("phi/<str:code>/", counter_views.fees, name="counter-fees"),
    path("phi/<str:code>/thu/", counter_views.fee_collect, name="counter-collect"),
    path(
        "phi/<str:code>/<str:reference>/bien-lai/",
        counter_views.fee_receipt,
        name="counter-fee-receipt",
    ),
    path(
        "phi/<str:code>/<str:reference>/hoan-tien/",
        counter_views.fee_refund,
        name="counter-refund",
    ),
    path("phi/<str:code>/<str:reference>/huy/", counter_views.fee_cancel, name="counter-cancel"),
    # Oversight for heads, leaders and supervisors (gh-6 item 11).
    path("giam-sat/", oversight_views.oversight_home, name="oversight"),
    path("giam-sat/ho-so/", oversight_views.oversight_list, name="oversight-list"),
    path("giam-sat/nguy-co/", oversight_views.oversight_at_risk, name="oversight-at-risk"),
    path(
        "giam-sat/ho-so/<str:code>/giao-lai/",
        oversight_views.oversight_reassign,
        name="oversight-reassign",
    ),
]
