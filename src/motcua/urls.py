from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path

from drf_spectacular.views import SpectacularAPIView

# The admin signs in through allauth, so staff get the same second factor there.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

api_v1: list[URLPattern | URLResolver] = [
    path("calendar/", include("motcua.calendars.api.urls")),
    path("procedures/", include("motcua.procedures.api.urls")),
    path("", include("motcua.dossiers.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", include((api_v1, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    # Gateway server-to-server notifications: no language prefix, CSRF-exempt.
    path("payments/ipn/", include("motcua.payments.ipn_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("motcua.portal.urls")),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("motcua.payments.urls")),
    path("notifications/", include("motcua.notifications.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("kho-du-lieu/", include("motcua.datastore.urls")),
    path("xep-hang/", include("motcua.tickets.urls")),
    path("can-bo/quay/", include("motcua.tickets.staff_urls")),
    path("can-bo/", include("motcua.workspace.urls")),
    path("giam-sat/", include("motcua.supervision.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
