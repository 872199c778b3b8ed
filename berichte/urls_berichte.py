"""/berichte/: the quarterly reports (request, status, download)."""

urlpatterns: list = []
