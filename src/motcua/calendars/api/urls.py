from django.urls import path

from .views import CalendarDueDateApi

urlpatterns = [
    path("due-date", CalendarDueDateApi.as_view(), name="calendar-due-date"),
]
