"""/dashboard/ (own Kreis) and /region/ (cross-county, DigitalBüro OWL)."""

urlpatterns: list = []
