"""URLs of the reading side: reports under /berichte/, dashboards at /dashboard/ and /region/.

The two sub-modules carry no app_name, so all their names live in the `berichte` namespace
(`berichte:liste`, `berichte:dashboard`, `berichte:region`).
"""

from django.urls import include, path

app_name = "berichte"

urlpatterns = [
    path("berichte/", include("berichte.urls_berichte")),
    path("", include("berichte.urls_dashboards")),
]
