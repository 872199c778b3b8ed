from tests.matrix import ALLE_OK

MATRIX = {
    "home": ("/", ALLE_OK),
    "healthz": ("/healthz", ALLE_OK),
    "core:impressum": ("/impressum/", ALLE_OK),
    "core:datenschutz": ("/datenschutz/", ALLE_OK),
    "core:barrierefreiheit": ("/barrierefreiheit/", ALLE_OK),
}
