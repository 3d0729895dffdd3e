"""Public queue pages under /xep-hang/ (names "tickets:…"): kiosk, phone, ticket, follow page.

The waiting-room display's views (display helper) are added here too.
"""

from django.urls import path

from . import display_views, kiosk_views

app_name = "tickets"

urlpatterns = [
    path("", kiosk_views.centers, name="centers"),
    path("<int:center_id>/", kiosk_views.kiosk, name="kiosk"),
    path("<int:center_id>/dien-thoai/", kiosk_views.kiosk, {"phone": True}, name="phone"),
    path("<int:center_id>/lay-so/", kiosk_views.take, name="take"),
    path("<int:center_id>/ma-qr/", kiosk_views.entrance_qr, name="entrance-qr"),
    path("so/<str:key>/", kiosk_views.ticket_page, name="ticket"),
    path("theo-doi/<str:key>/", kiosk_views.follow, name="follow"),
    path("theo-doi/<str:key>/trang-thai.json", kiosk_views.follow_json, name="follow-json"),
    # The waiting-room display (TV), its event stream (SSE) and its state poll.
    path("<int:center_id>/man-hinh/", display_views.display, name="display"),
    path("<int:center_id>/man-hinh/su-kien/", display_views.display_events, name="display-events"),
    path(
        "<int:center_id>/man-hinh/trang-thai.json",
        display_views.display_state_json,
        name="display-state",
    ),
]
