from django.urls import path

from . import views, views_io

app_name = "massnahmen"

urlpatterns = [
    path("", views.MassnahmeListView.as_view(), name="liste"),
    path("neu/", views.MassnahmeCreateView.as_view(), name="neu"),
    path("<int:pk>/", views.MassnahmeDetailView.as_view(), name="detail"),
    path("<int:pk>/bearbeiten/", views.MassnahmeUpdateView.as_view(), name="bearbeiten"),
    path("<int:pk>/archiv/", views.MassnahmeArchivView.as_view(), name="archiv"),
    path("<int:pk>/loeschen/", views.MassnahmeDeleteView.as_view(), name="loeschen"),
    path("<int:pk>/statusmeldung/", views.StatusmeldungView.as_view(), name="statusmeldung"),
    path("<int:pk>/anhaenge/neu/", views.AnhangCreateView.as_view(), name="anhang_neu"),
    path("<int:pk>/nachnutzen/", views.NachnutzenView.as_view(), name="nachnutzen"),
    path("anhaenge/<int:pk>/", views.anhang_herunterladen, name="anhang"),
    # Export of the filtered list (same query string as the list) and import (Kreis staff).
    path("export.csv", views_io.export_csv, name="export_csv"),
    path("export.xlsx", views_io.export_xlsx, name="export_xlsx"),
    path("import/", views_io.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views_io.import_status, name="import_status"),
    path("import/<int:pk>/bestaetigen/", views_io.import_bestaetigen, name="import_bestaetigen"),
]
