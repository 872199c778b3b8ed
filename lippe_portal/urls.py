from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from api.v1 import api as api_v1
from core.middleware import oeffentlicher_pfad
from core.views import healthz, page_not_found
from oeffentlich import views as oeffentlich
from portal.views import startseite

# The admin logs in through allauth too: same rate limits, same second factor.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", startseite, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/api-zugang/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api_v1.urls),
    path("kommunen/", include("kommunen.urls")),
    path("massnahmen/", include("massnahmen.urls")),
    path("loesungen/", include("massnahmen.urls_loesungen")),
    path("foerderung/", include("foerderung.urls")),
    path("workshops/", include("workshops.urls")),
    path("ozg/", include("ozg.urls")),
    # Before /strategie/: /strategie/oeffentlich/ is a public page.
    path("", include("oeffentlich.urls")),
    path("strategie/", include("handlungsfelder.urls")),
    path("protokoll/", include("zugang.urls")),
    path("benachrichtigungen/", include("benachrichtigungen.urls")),
    path("konto/benachrichtigungen/", include("benachrichtigungen.urls_konto")),
    path("berichte/", include("berichte.urls")),
    path("", include("dashboards.urls")),
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"


def seite_nicht_gefunden(request, exception=None):
    """404: on a public path the public page, the same for everyone (no session read, no
    name of a logged-in visitor); everywhere else the portal's own."""
    if oeffentlicher_pfad(request.path):
        return oeffentlich.not_found(request)
    return page_not_found(request, exception)


handler404 = seite_nicht_gefunden
handler500 = "core.views.server_error"
