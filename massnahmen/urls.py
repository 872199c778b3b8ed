from django.urls import path

from . import views, views_io

app_name = "massnahmen"

urlpatterns = [
    path("", views.MassnahmeListView.as_view(), name="liste"),
    path("neu/", views.MassnahmeCreateView.as_view(), name="neu"),
    path("neu/region/", views.RegionsprojektCreateView.as_view(), name="neu_region"),
    path("<id:pk>/", views.MassnahmeDetailView.as_view(), name="detail"),
    path("<id:pk>/bearbeiten/", views.MassnahmeUpdateView.as_view(), name="bearbeiten"),
    path("<id:pk>/archiv/", views.MassnahmeArchivView.as_view(), name="archiv"),
    path("<id:pk>/loeschen/", views.MassnahmeDeleteView.as_view(), name="loeschen"),
    path("<id:pk>/statusmeldung/", views.StatusmeldungView.as_view(), name="statusmeldung"),
    path("<id:pk>/anhaenge/neu/", views.AnhangCreateView.as_view(), name="anhang_neu"),
    path("<id:pk>/nachnutzen/", views.NachnutzungCreateView.as_view(), name="nachnutzen"),
    path("anhaenge/<id:pk>/", views.download_anhang, name="anhang"),
    # Export of the filtered list (same query string as the list) and import (Kreis staff).
    path("export.csv", views_io.export_csv, name="export_csv"),
    path("export.xlsx", views_io.export_xlsx, name="export_xlsx"),
    path("import/", views_io.ImportView.as_view(), name="import"),
    path("import/<id:pk>/", views_io.import_status, name="import_status"),
    path("import/<id:pk>/bestaetigen/", views_io.confirm_import, name="import_bestaetigen"),
]
