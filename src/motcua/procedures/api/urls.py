from django.urls import path

from .views import ProcedureDetailApi, ProcedureListApi

urlpatterns = [
    path("", ProcedureListApi.as_view(), name="procedure-list"),
    path("<str:code>/", ProcedureDetailApi.as_view(), name="procedure-detail"),
]
