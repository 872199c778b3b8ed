"""/oeffentlich/: the public transparency pages and open-data downloads (no login)."""

app_name = "oeffentlich"

urlpatterns: list = []
