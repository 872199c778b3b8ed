from django.urls import path

from . import views

app_name = "zugang"

urlpatterns = [
    path("", views.ProtokollListView.as_view(), name="protokoll"),
]
