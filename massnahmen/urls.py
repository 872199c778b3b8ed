from django.urls import path

from . import views

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
]
