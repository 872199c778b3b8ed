from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from berichte.views import startseite
from core.views import healthz

# The admin logs in through allauth too: same rate limits, same second factor.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", startseite, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("kommunen/", include("kommunen.urls")),
    path("massnahmen/", include("massnahmen.urls")),
    path("foerderung/", include("foerderung.urls")),
    path("workshops/", include("workshops.urls")),
    path("ozg/", include("ozg.urls")),
    path("strategie/", include("handlungsfelder.urls")),
    path("protokoll/", include("zugang.urls")),
    path("oeffentlich/", include("berichte.urls_oeffentlich")),
    path("", include("berichte.urls")),
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
