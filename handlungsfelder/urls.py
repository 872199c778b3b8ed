"""URLs of the handlungsfelder app."""

app_name = "handlungsfelder"

urlpatterns: list = []
