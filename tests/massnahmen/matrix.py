from tests.matrix import NUR_ANGEMELDET

MATRIX = {
    "massnahmen:liste": ("/massnahmen/", NUR_ANGEMELDET),
}
