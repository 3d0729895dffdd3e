from __future__ import annotations

from django.contrib import admin

from .models import ProcedureField


@admin.register(ProcedureField)
class ProcedureFieldAdmin(admin.ModelAdmin[ProcedureField]):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]
