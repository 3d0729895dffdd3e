from django.urls import URLPattern, path

from .serializers import action_slug
from .views import (
    ACTION_VIEWS,
    DossierControlSheetApi,
    DossierDetailApi,
    DossierFormPdfApi,
    DossierHistoryApi,
    DossierLookupApi,
    DossiersApi,
    UploadCreateApi,
)

urlpatterns: list[URLPattern] = [
    # First: the public lookup is the most requested address (each pattern tried costs).
    path("lookup/", DossierLookupApi.as_view(), name="dossier-lookup"),
    path("uploads/", UploadCreateApi.as_view(), name="upload-create"),
    path("dossiers/", DossiersApi.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", DossierDetailApi.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/history/", DossierHistoryApi.as_view(), name="dossier-history"),
    path(
        "dossiers/<str:code>/control-sheet/",
        DossierControlSheetApi.as_view(),
        name="dossier-control-sheet",
    ),
    path(
        "dossiers/<str:code>/forms/<slug:form>.pdf",
        DossierFormPdfApi.as_view(),
        name="dossier-form-pdf",
    ),
    *(
        path(
            f"dossiers/<str:code>/actions/{action_slug(action)}/",
            view.as_view(),
            name=f"dossier-action-{action_slug(action)}",
        )
        for action, view in ACTION_VIEWS.items()
    ),
]
