"""URLs of the ozg app."""

app_name = "ozg"

urlpatterns: list = []
