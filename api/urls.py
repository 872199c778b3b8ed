"""The account page of the API tokens (under /accounts/, beside allauth's pages)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.zugang, name="zugang"),
    path("<id:pk>/widerrufen/", views.revoke, name="widerrufen"),
]
