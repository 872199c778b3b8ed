"""The read API, version 1, at /api/v1/ (issue 17, point 1), built with django-ninja.

Without a token it reads what the public pages show: the published Maßnahmen (the same
`Massnahme.objects.veroeffentlicht()` as /oeffentlich/), the published Ziele with their
Kennzahlen (as /strategie/oeffentlich/), and figures over everything (OZG coverage per
Kommune, funding totals per Kreis). With a personal token (api.models.ApiToken) it reads
what the token's owner may read in the portal: the same `for_user()` querysets as the list
pages, no more.

Every figure per quarter is the portal's own "as of the quarter's end" figure, computed by
the functions the pages and the report use (`handlungsfelder.services.evaluate`,
`ozg.kennzahl_quellen.ozg_leistungen_online`, `dashboards.auswertung.kreise_with_summen`); nothing
is counted a second way here.

Token, rate limit, caching and ETag: api.middleware.
"""

from __future__ import annotations

import json
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from core.quartal import Quartal
from dashboards.auswertung import abruf_quote, kreise_with_summen
from foerderung.models import Foerderbescheid
from handlungsfelder.models import Handlungsfeld, Kennzahl, Lebensbereich, Ziel
from handlungsfelder.services import evaluate
from kommunen.models import Kommune, Kreis
from massnahmen.models import Ampel, Massnahme, Meilenstein, Statusmeldung
from ozg.kennzahl_quellen import ozg_leistungen_online
from ozg.models import OzgLeistung, Umsetzungsstand
from workshops.models import Workshop

from . import schemas
from .fehler import field_errors, form_errors
from .filtersets import ApiMassnahmeFilterSet

BESCHREIBUNG = """
Die Lese-Schnittstelle des Lippe Digitalportals: Maßnahmen, Strategie (Handlungsfelder,
Ziele, Kennzahlen mit Werten), OZG-Umsetzung je Kommune und Fördersummen je Kreis.

**Ohne Token** liefert sie, was die öffentlichen Seiten zeigen: veröffentlichte Maßnahmen,
veröffentlichte Ziele, Kennzahlen und Summen. **Mit einem persönlichen Token** (im Konto
unter „API-Zugang“ erstellen; nur lesend) liefert sie, was Sie im Portal lesen dürfen, nicht
mehr. Senden Sie es als `Authorization: Bearer <Token>`. Eine Anmeldung im Browser zählt hier
nicht.

Zahlen je Quartal sind die Stände zum Quartalsende, wie auf den Seiten und im Quartalsbericht.
Listen sind seitenweise (`limit`, `offset`); jede Antwort trägt ein `ETag`, mit
`If-None-Match` antwortet die API mit 304. Anfragen je Minute sind begrenzt (429).
Daten ohne Token stehen unter der Datenlizenz Deutschland – Namensnennung – Version 2.0.
"""

TOKEN_SCHEMA = "PersoenlichesToken"


class PortalApi(NinjaAPI):
    """NinjaAPI whose schema names the optional token and the middleware's answers."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        komponenten = schema.setdefault("components", {})
        komponenten.setdefault("securitySchemes", {})[TOKEN_SCHEMA] = {
            "type": "http",
            "scheme": "bearer",
            "description": "Persönliches, nur lesendes API-Token aus Ihrem Konto (API-Zugang).",
        }
        fehler_ref = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fehler"}}}
        }
        for pfad in schema["paths"].values():
            for operation in pfad.values():
                # Optional: without a token the public view, with one the person's view.
                operation.setdefault("security", [{}, {TOKEN_SCHEMA: []}])
                antworten = operation.setdefault("responses", {})
                antworten.setdefault(
                    "401",
                    {
                        "description": "Das gesendete Token ist ungültig oder widerrufen.",
                        **fehler_ref,
                    },
                )
                antworten.setdefault(
                    "429", {"description": "Zu viele Anfragen in dieser Minute.", **fehler_ref}
                )
        return schema


class Dokumentation(Swagger):
    """Swagger UI rendered without the request context: the page is the same for everyone
    (no session read, no CSRF cookie), so it stays publicly cacheable like the API."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        inhalt = render_to_string(
            "ninja/swagger.html",
            {"swagger_settings": json.dumps(self.settings, indent=1), "api": api},
        )
        return HttpResponse(inhalt)


api = PortalApi(
    title="Lippe Digitalportal – Lese-API",
    version="1",
    description=BESCHREIBUNG,
    urls_namespace="api_v1",
    docs=Dokumentation(settings={"persistAuthorization": False, "tryItOutEnabled": True}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


@api.exception_handler(NinjaValidationError)
def _on_input_error(request, exc):
    return api.create_response(request, {"detail": field_errors(exc.errors)}, status=422)


@api.exception_handler(Http404)
def _on_not_found(request, exc):
    return api.create_response(request, {"detail": "Nicht gefunden."}, status=404)


@api.exception_handler(HttpError)
def _on_http_error(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


class Unprocessable(Exception):
    """Input that passed the types but not the portal's own checks (422, per parameter)."""

    def __init__(self, fehler: list[dict]):
        self.fehler = fehler


@api.exception_handler(Unprocessable)
def _on_unprocessable(request, exc):
    return api.create_response(request, {"detail": exc.fehler}, status=422)


FEHLER = {
    404: schemas.Fehler,
    422: schemas.Eingabefehler,
}


# --- shared parameters ---------------------------------------------------------------------


class Blaettern(Schema):
    limit: int = Field(25, ge=1, le=100, description="Einträge je Seite (1–100).")
    offset: int = Field(0, ge=0, le=1_000_000, description="So viele Treffer überspringen.")


class Stichtag(Schema):
    quartal: str | None = Field(
        None,
        pattern=schemas.QUARTAL_MUSTER,
        description="Quartal im Format JJJJ-Qn, z. B. 2026-Q3; Zahlen zum Quartalsende. "
        "Ohne Angabe: das laufende Quartal (heutiger Stand).",
    )
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur dieser Kreis (AGS, fünf Ziffern)."
    )


def _person(request):
    return getattr(request, "api_user", None)


def _page(qs, blaettern: Blaettern) -> tuple[int, list]:
    anzahl = qs.count()
    return anzahl, list(qs[blaettern.offset : blaettern.offset + blaettern.limit])


def _envelope(anzahl: int, blaettern: Blaettern, ergebnisse: list, **extra) -> dict:
    return {
        "anzahl": anzahl,
        "limit": blaettern.limit,
        "offset": blaettern.offset,
        "ergebnisse": ergebnisse,
        **extra,
    }


def _quartal(wert: str | None) -> Quartal:
    if not wert:
        return Quartal.current()
    quartal = Quartal.parse(wert)
    if quartal > Quartal.current():
        raise Unprocessable(
            [{"parameter": "quartal", "meldung": "Dieses Quartal hat noch nicht begonnen."}]
        )
    return quartal


def _kreise(person) -> QuerySet:
    """Kreise whose internal data the person reads (none without a token)."""
    return Kreis.objects.for_user(person) if person else Kreis.objects.none()


def _filter_kreis(qs, feld: str, kreis: str | None):
    if not kreis:
        return qs
    if not Kreis.objects.filter(pk=kreis).exists():
        raise Unprocessable([{"parameter": "kreis", "meldung": "Diesen Kreis gibt es nicht."}])
    return qs.filter(**{feld: kreis})


# --- index and reference data -------------------------------------------------------------


class Verweis(Schema):
    name: str = Field(description="Was unter der Adresse steht.")
    url: str = Field(description="Absolute Adresse.")


class Index(Schema):
    titel: str = Field(description="Name der Schnittstelle.")
    dokumentation: str = Field(description="Interaktive Dokumentation (Swagger UI).")
    openapi: str = Field(description="OpenAPI-3-Schema (JSON).")
    mit_token: bool = Field(description="Ob diese Anfrage mit einem gültigen Token kam.")
    endpunkte: list[Verweis] = Field(description="Die Listen der Schnittstelle.")


ENDPUNKTE = [
    ("Kreise", "kreise"),
    ("Kommunen", "kommunen"),
    ("Handlungsfelder und Lebensbereiche", "strategie"),
    ("Maßnahmen", "massnahmen"),
    ("Ziele mit Kennzahlen", "ziele"),
    ("OZG-Leistungen online je Kommune", "ozg_abdeckung"),
    ("Fördersummen je Kreis", "foerderung_summen"),
    ("Förderbescheide (nur mit Token)", "foerderbescheide"),
    ("OZG-Umsetzungsstände (nur mit Token)", "ozg_umsetzung"),
    ("Workshops (nur mit Token)", "workshops"),
]


@api.get("/", response={200: Index}, tags=["Übersicht"], summary="Übersicht", url_name="index")
def index(request):
    """Wo die Dokumentation, das Schema und die Listen der Schnittstelle stehen."""
    absolut = request.build_absolute_uri
    return {
        "titel": api.title,
        "dokumentation": absolut(reverse("api_v1:openapi-view")),
        "openapi": absolut(reverse("api_v1:openapi-json")),
        "mit_token": _person(request) is not None,
        "endpunkte": [
            {"name": name, "url": absolut(reverse(f"api_v1:{url_name}"))}
            for name, url_name in ENDPUNKTE
        ],
    }


@api.get(
    "/kreise/",
    response={200: schemas.KreisSeite, **FEHLER},
    tags=["Gebiete"],
    summary="Kreise",
    url_name="kreise",
)
def kreise(request, blaettern: Query[Blaettern]):
    """Alle Kreise und kreisfreien Städte mit ihrem Amtlichen Gemeindeschlüssel."""
    anzahl, liste = _page(Kreis.objects.select_related("region").order_by("name"), blaettern)
    return _envelope(
        anzahl,
        blaettern,
        [
            {
                "ags": k.ags,
                "name": k.name,
                "typ": k.typ,
                "region": k.region.kurzname if k.region_id else None,
            }
            for k in liste
        ],
    )


class KommunenFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Kommunen dieses Kreises (AGS)."
    )


@api.get(
    "/kommunen/",
    response={200: schemas.KommuneSeite, **FEHLER},
    tags=["Gebiete"],
    summary="Kommunen",
    url_name="kommunen",
)
def kommunen(request, filter: Query[KommunenFilter]):
    """Alle Städte und Gemeinden, wahlweise eines Kreises."""
    qs = _filter_kreis(Kommune.objects.order_by("name", "pk"), "kreis_id", filter.kreis)
    anzahl, liste = _page(qs, filter)
    return _envelope(
        anzahl,
        filter,
        [
            {
                "id": k.pk,
                "ags": k.ags,
                "name": k.name,
                "typ": k.typ,
                "kreis_ags": k.kreis_id,
                "einwohner": k.einwohner,
                "einwohner_stand": k.einwohner_stand,
            }
            for k in liste
        ],
    )


@api.get(
    "/strategie/",
    response={200: schemas.Strategie},
    tags=["Strategie"],
    summary="Handlungsfelder und Lebensbereiche",
    url_name="strategie",
)
def strategie(request):
    """Die vier Handlungsfelder der Rahmenstrategie und die acht Lebensbereiche."""
    return {
        "handlungsfelder": [
            {
                "id": hf.pk,
                "nummer": hf.nummer,
                "kurzname": hf.kurzname,
                "name": hf.name,
                "beschreibung": hf.beschreibung,
            }
            for hf in Handlungsfeld.objects.order_by("nummer")
        ],
        "lebensbereiche": [
            {"id": lb.pk, "schluessel": lb.schluessel, "name": lb.name}
            for lb in Lebensbereich.objects.order_by("reihenfolge", "name")
        ],
    }


# --- Maßnahmen -----------------------------------------------------------------------------


class MassnahmenFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Maßnahmen dieses Kreises (AGS)."
    )
    kommune: int | None = Field(
        None, ge=1, le=schemas.MAX_ID, description="Id einer Kommune: federführend oder beteiligt."
    )
    handlungsfeld: int | None = Field(
        None, ge=1, le=schemas.MAX_ID, description="Id des Handlungsfelds."
    )
    lebensbereich: int | None = Field(
        None, ge=1, le=schemas.MAX_ID, description="Id des Lebensbereichs."
    )
    status: Literal[tuple(Massnahme.Status.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Status der Maßnahme."
    )
    ampel: Literal[tuple(Ampel.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Ampel der Maßnahme."
    )
    q: str | None = Field(
        None, max_length=200, description="Volltextsuche in Titel und Beschreibung."
    )
    archiviert: Literal["ja", "nein"] | None = Field(
        None,
        description="Nur mit Token: „ja“ nur archivierte, „nein“ oder leer: ohne archivierte.",
    )


def _massnahmen_base(person) -> QuerySet:
    if person is None:
        return Massnahme.objects.veroeffentlicht()
    return Massnahme.objects.for_user(person)


def _massnahme_url(request, m: Massnahme) -> str:
    if m.veroeffentlicht and not m.archiviert:
        pfad = reverse("oeffentlich:massnahme", kwargs={"pk": m.pk})
    else:
        pfad = m.get_absolute_url()
    return request.build_absolute_uri(pfad)


def _massnahme(request, m: Massnahme) -> dict:
    return {
        "id": m.pk,
        "titel": m.titel,
        "beschreibung": m.beschreibung,
        "kreis_ags": m.kreis_id,
        "handlungsfeld_id": m.handlungsfeld_id,
        "lebensbereich_ids": sorted(lb.pk for lb in m.lebensbereiche.all()),
        "ziel_id": m.ziel_id if m.ziel_id and _ziel_visible(m) else None,
        "federfuehrend_id": m.federfuehrend_id,
        "beteiligte_ids": sorted(k.pk for k in m.beteiligte.all()),
        "status": m.status,
        "status_display": m.get_status_display(),
        "fortschritt": m.fortschritt,
        "ampel": m.ampel,
        "beginn": m.beginn,
        "ende_geplant": m.ende_geplant,
        "ende_tatsaechlich": m.ende_tatsaechlich,
        "budget_eur": f"{m.budget:.2f}" if m.budget is not None else None,
        "veroeffentlicht": m.veroeffentlicht,
        "sichtbarkeit": m.sichtbarkeit,
        "archiviert": m.archiviert,
        "geaendert_am": m.geaendert_am,
        "url": _massnahme_url(request, m),
    }


def _ziel_visible(m: Massnahme) -> bool:
    """Without a token only a published Ziel is named (an unpublished one is internal)."""
    return getattr(m, "_api_mit_token", False) or bool(m.ziel and m.ziel.veroeffentlicht)


def _massnahmen_qs(qs) -> QuerySet:
    # The Maßnahmen of the Kreise: a region project (issue 15, point 2) has no kreis_ags,
    # which the published schema promises.
    return (
        qs.filter(kreis__isnull=False)
        .select_related("ziel")
        .prefetch_related("lebensbereiche", "beteiligte")
    )


@api.get(
    "/massnahmen/",
    response={200: schemas.MassnahmeSeite, **FEHLER},
    tags=["Maßnahmen"],
    summary="Maßnahmen",
    url_name="massnahmen",
)
def massnahmen(request, filter: Query[MassnahmenFilter]):
    """Maßnahmen, neueste zuerst, mit den Filtern der Maßnahmenliste. Ohne Token die
    veröffentlichten, mit Token die Maßnahmen der Kreise, die Sie im Portal lesen."""
    person = _person(request)
    daten = {
        name: str(wert)
        for name, wert in filter.dict().items()
        if name not in ("limit", "offset") and wert not in (None, "")
    }
    if person is None:
        daten.pop("archiviert", None)
    filterset = ApiMassnahmeFilterSet(daten, queryset=_massnahmen_base(person), person=person)
    if not filterset.is_valid():
        raise Unprocessable(form_errors(filterset.form))
    qs = _massnahmen_qs(filterset.qs.order_by("-pk"))
    anzahl, liste = _page(qs, filter)
    for m in liste:
        m._api_mit_token = person is not None
    return _envelope(anzahl, filter, [_massnahme(request, m) for m in liste])


class MassnahmePfad(Schema):
    massnahme_id: int = Field(..., ge=1, le=schemas.MAX_ID, description="Nummer der Maßnahme.")


@api.get(
    "/massnahmen/{massnahme_id}/",
    response={200: schemas.MassnahmeDetail, **FEHLER},
    tags=["Maßnahmen"],
    summary="Eine Maßnahme",
    url_name="massnahme",
)
def massnahme(request, pfad: Path[MassnahmePfad]):
    """Eine Maßnahme mit Meilensteinen und ihren öffentlichen Meldungen; mit Token auch mit
    ihren Statusmeldungen."""
    person = _person(request)
    qs = _massnahmen_qs(_massnahmen_base(person)).prefetch_related(
        Prefetch("meilensteine", queryset=Meilenstein.objects.order_by("faellig_am", "pk")),
        Prefetch("statusmeldungen", queryset=Statusmeldung.objects.order_by("-quartal")),
    )
    m = qs.filter(pk=pfad.massnahme_id).first()
    if m is None:
        raise Http404
    m._api_mit_token = person is not None
    daten = _massnahme(request, m)
    daten["meilensteine"] = [
        {"titel": ms.titel, "faellig_am": ms.faellig_am, "erreicht_am": ms.erreicht_am}
        for ms in m.meilensteine.all()
    ]
    daten["oeffentliche_meldungen"] = [
        {
            "quartal": s.quartal,
            "zusammenfassung": s.oeffentliche_zusammenfassung,
            "veroeffentlicht_am": s.public_since,
        }
        for s in (
            Statusmeldung.objects.oeffentlich()
            .filter(massnahme=m)
            .only("quartal", "oeffentliche_zusammenfassung", "zusammenfassung_am")
            .order_by("-quartal")
            if m.veroeffentlicht and not m.archiviert
            else ()
        )
    ]
    daten["statusmeldungen"] = (
        [
            {
                "quartal": s.quartal,
                "fortschritt": s.fortschritt,
                "ampel": s.ampel,
                "erreicht": s.erreicht,
                "naechste_schritte": s.naechste_schritte,
                "risiken": s.risiken,
                "erstellt_am": s.erstellt_am,
                "oeffentliche_zusammenfassung": s.oeffentliche_zusammenfassung,
            }
            for s in m.statusmeldungen.all()
        ]
        if person is not None
        else None
    )
    return daten


# --- Ziele and Kennzahlen ------------------------------------------------------------------


class ZieleFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Ziele dieses Kreises (AGS)."
    )
    handlungsfeld: int | None = Field(
        None, ge=1, le=schemas.MAX_ID, description="Id des Handlungsfelds."
    )


def _decimal(wert) -> str | None:
    return None if wert is None else f"{wert:f}"


@api.get(
    "/ziele/",
    response={200: schemas.ZielSeite, **FEHLER},
    tags=["Strategie"],
    summary="Ziele mit Kennzahlen und Werten",
    url_name="ziele",
)
def ziele(request, filter: Query[ZieleFilter]):
    """Ziele mit ihren Kennzahlen und deren Werten je Quartal (Ist, Soll, im Plan), wie auf
    den Strategieseiten. Ohne Token die veröffentlichten Ziele, mit Token die Ziele der
    Kreise, die Sie im Portal lesen."""
    person = _person(request)
    qs = Ziel.objects.for_user(person) if person else Ziel.objects.filter(veroeffentlicht=True)
    qs = _filter_kreis(qs, "kreis_id", filter.kreis)
    if filter.handlungsfeld:
        qs = qs.filter(handlungsfeld_id=filter.handlungsfeld)
    qs = qs.order_by("kreis_id", "handlungsfeld__nummer", "titel", "pk").prefetch_related(
        Prefetch(
            "kennzahlen", queryset=Kennzahl.objects.select_related("ziel").order_by("name", "pk")
        )
    )
    anzahl, liste = _page(qs, filter)
    verlaeufe = evaluate([k for z in liste for k in z.kennzahlen.all()])
    ergebnisse = []
    for z in liste:
        kennzahlen = []
        for k in z.kennzahlen.all():
            kennzahlen.append(
                {
                    "id": k.pk,
                    "name": k.name,
                    "einheit": k.einheit_display,
                    "richtung": k.richtung,
                    "ebene": k.ebene,
                    "quelle": k.quelle,
                    "basiswert": _decimal(k.basiswert),
                    "basisdatum": k.basisdatum,
                    "zielwert": _decimal(k.zielwert),
                    "zieldatum": k.zieldatum,
                    "werte": [
                        {
                            "quartal": str(s.quartal),
                            "ist": _decimal(s.ist),
                            "soll": _decimal(s.soll),
                            "im_plan": s.im_plan,
                            "anzahl_kommunen": s.anzahl_kommunen,
                            "laufend": s.laufend,
                        }
                        for s in verlaeufe[k.pk].staende
                        if not s.zukuenftig
                    ],
                }
            )
        ergebnisse.append(
            {
                "id": z.pk,
                "kreis_ags": z.kreis_id,
                "handlungsfeld_id": z.handlungsfeld_id,
                "titel": z.titel,
                "beschreibung": z.beschreibung,
                "veroeffentlicht": z.veroeffentlicht,
                "kennzahlen": kennzahlen,
            }
        )
    return _envelope(anzahl, filter, ergebnisse)


# --- figures: OZG and funding --------------------------------------------------------------


class StichtagBlaettern(Stichtag, Blaettern):
    pass


def _share(teil: int, ganzes: int) -> float | None:
    return round(100 * teil / ganzes, 1) if ganzes else None


@api.get(
    "/ozg/abdeckung/",
    response={200: schemas.OzgAbdeckung, **FEHLER},
    tags=["OZG"],
    summary="OZG-Leistungen online je Kommune",
    url_name="ozg_abdeckung",
)
def ozg_abdeckung(request, filter: Query[StichtagBlaettern]):
    """Je Kommune die OZG-Leistungen, die zum Ende des Quartals online waren (Reifegrad ab
    3, mit der Bewertung, die an dem Tag galt) — dieselbe Zählung wie die abgeleitete
    Kennzahl „OZG-Leistungen online“ und das Dashboard."""
    quartal = _quartal(filter.quartal)
    qs = _filter_kreis(Kommune.objects.order_by("name", "pk"), "kreis_id", filter.kreis)
    anzahl, liste = _page(qs, filter)
    katalog = OzgLeistung.objects.count()
    werte = (
        ozg_leistungen_online(
            kreis_ids=sorted({k.kreis_id for k in liste}), quartale=[quartal], je_kommune=True
        )
        if liste
        else {}
    )
    ergebnisse = []
    for k in liste:
        online = int(werte.get(k.pk, {}).get(str(quartal)) or 0)
        ergebnisse.append(
            {
                "kommune_id": k.pk,
                "ags": k.ags,
                "name": k.name,
                "kreis_ags": k.kreis_id,
                "online": online,
                "anteil_prozent": _share(online, katalog),
            }
        )
    return _envelope(
        anzahl, filter, ergebnisse, quartal=str(quartal), leistungen_im_katalog=katalog
    )


@api.get(
    "/foerderung/summen/",
    response={200: schemas.FoerderSummen, **FEHLER},
    tags=["Förderung"],
    summary="Fördersummen je Kreis",
    url_name="foerderung_summen",
)
def foerderung_summen(request, filter: Query[StichtagBlaettern]):
    """Je Kreis die Zahl der Förderbescheide, die bewilligten und die abgerufenen Mittel zum
    Ende des Quartals — dieselben Summen wie auf dem Dashboard und im Quartalsbericht."""
    quartal = _quartal(filter.quartal)
    qs = _filter_kreis(Kreis.objects.order_by("name"), "ags", filter.kreis)
    anzahl, liste = _page(qs, filter)
    summen = kreise_with_summen([k.ags for k in liste], quartal=quartal) if liste else []
    return _envelope(
        anzahl,
        filter,
        [
            {
                "kreis_ags": k.ags,
                "kreis": k.name,
                "anzahl_bescheide": k.anzahl_bescheide,
                "bewilligt_eur": f"{k.bewilligt:.2f}",
                "abgerufen_eur": f"{k.abgerufen:.2f}",
                "abruf_quote_prozent": abruf_quote(k),
            }
            for k in summen
        ],
        quartal=str(quartal),
    )


# --- only with a token: what the portal shows its readers ----------------------------------

NUR_MIT_TOKEN = {"security": [{TOKEN_SCHEMA: []}]}


def _require_person(request):
    person = _person(request)
    if person is None:
        raise HttpError(
            401,
            "Diese Liste ist nur mit einem persönlichen API-Token lesbar (Konto › API-Zugang).",
        )
    return person


class BescheideFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Bescheide dieses Kreises (AGS)."
    )
    status: Literal[tuple(Foerderbescheid.Status.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Status des Bescheids."
    )


@api.get(
    "/foerderung/bescheide/",
    response={200: schemas.FoerderbescheidSeite, **FEHLER},
    tags=["Förderung"],
    summary="Förderbescheide (nur mit Token)",
    url_name="foerderbescheide",
    openapi_extra=NUR_MIT_TOKEN,
)
def foerderbescheide(request, filter: Query[BescheideFilter]):
    """Die Förderbescheide der Kreise, die Sie im Portal lesen, mit der Summe der
    Mittelabrufe — wie die Liste /foerderung/."""
    person = _require_person(request)
    qs = _filter_kreis(Foerderbescheid.objects.for_user(person), "kreis_id", filter.kreis)
    if filter.status:
        qs = qs.filter(status=filter.status)
    qs = (
        qs.with_summen()
        .select_related("programm")
        .prefetch_related("partner", "massnahmen")
        .order_by("-bescheiddatum", "-pk")
    )
    anzahl, liste = _page(qs, filter)
    return _envelope(
        anzahl,
        filter,
        [
            {
                "id": b.pk,
                "kreis_ags": b.kreis_id,
                "programm": b.programm.kurzname,
                "aktenzeichen": b.aktenzeichen,
                "bescheiddatum": b.bescheiddatum,
                "zuwendungsempfaenger_id": b.zuwendungsempfaenger_id,
                "partner_ids": sorted(k.pk for k in b.partner.all()),
                "massnahme_ids": sorted(m.pk for m in b.massnahmen.all()),
                "bewilligt_eur": f"{b.bewilligter_betrag:.2f}",
                "abgerufen_eur": f"{b.abgerufen_summe:.2f}",
                "foerderquote_prozent": f"{b.foerderquote:.2f}",
                "bewilligungszeitraum_beginn": b.bewilligungszeitraum_beginn,
                "bewilligungszeitraum_ende": b.bewilligungszeitraum_ende,
                "verwendungsnachweis_faellig": b.verwendungsnachweis_faellig,
                "status": b.status,
                "zweck": b.zweck,
            }
            for b in liste
        ],
    )


class UmsetzungFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Kommunen dieses Kreises (AGS)."
    )
    kommune: int | None = Field(None, ge=1, le=schemas.MAX_ID, description="Nur diese Kommune.")


@api.get(
    "/ozg/umsetzung/",
    response={200: schemas.UmsetzungsstandSeite, **FEHLER},
    tags=["OZG"],
    summary="OZG-Umsetzungsstände je Leistung und Kommune (nur mit Token)",
    url_name="ozg_umsetzung",
    openapi_extra=NUR_MIT_TOKEN,
)
def ozg_umsetzung(request, filter: Query[UmsetzungFilter]):
    """Die Zellen der OZG-Matrix der Kreise, die Sie im Portal lesen (heutiger Stand)."""
    person = _require_person(request)
    qs = _filter_kreis(Umsetzungsstand.objects.for_user(person), "kommune__kreis_id", filter.kreis)
    if filter.kommune:
        qs = qs.filter(kommune_id=filter.kommune)
    qs = qs.select_related("leistung").order_by("kommune_id", "leistung__ozg_id", "pk")
    anzahl, liste = _page(qs, filter)
    return _envelope(
        anzahl,
        filter,
        [
            {
                "id": s.pk,
                "kommune_id": s.kommune_id,
                "ozg_id": s.leistung.ozg_id,
                "leistung": s.leistung.name,
                "themenfeld": s.leistung.themenfeld,
                "reifegradmodell": s.reifegradmodell,
                "reifegrad": s.reifegrad,
                "online": bool(s.online),
                "online_seit": s.online_seit,
                "bewertet_am": s.bewertet_am,
                "link": s.link,
                "nachgenutzt_von_id": s.nachgenutzt_von_id,
            }
            for s in liste
        ],
    )


class WorkshopsFilter(Blaettern):
    kreis: str | None = Field(
        None, pattern=schemas.KREIS_MUSTER, description="Nur Workshops dieses Kreises (AGS)."
    )
    zeitraum: Literal["kommende", "vergangene"] | None = Field(
        None, description="„kommende“ (noch nicht vorbei) oder „vergangene“; leer: alle."
    )


@api.get(
    "/workshops/",
    response={200: schemas.WorkshopSeite, **FEHLER},
    tags=["Workshops"],
    summary="Workshops (nur mit Token)",
    url_name="workshops",
    openapi_extra=NUR_MIT_TOKEN,
)
def workshops(request, filter: Query[WorkshopsFilter]):
    """Die Workshops, die Sie im Portal sehen (`Workshop.objects.visible_to`): die
    veröffentlichten der Kreise, die Sie lesen, und die Entwürfe Ihres eigenen Kreises."""
    person = _require_person(request)
    # The workshops of the Kreise: a region workshop (issue 15, point 2) has no kreis_ags,
    # which the published schema promises (as with region projects, _massnahmen_qs).
    qs = _filter_kreis(
        Workshop.objects.visible_to(person).filter(kreis__isnull=False), "kreis_id", filter.kreis
    )
    if filter.zeitraum == "kommende":
        qs = qs.upcoming()
    elif filter.zeitraum == "vergangene":
        qs = qs.past()
    anzahl, liste = _page(qs.order_by("beginn", "pk"), filter)
    return _envelope(
        anzahl,
        filter,
        [
            {
                "id": w.pk,
                "kreis_ags": w.kreis_id,
                "titel": w.titel,
                "beginn": w.beginn,
                "ende": w.ende,
                "format": w.format,
                "format_display": w.get_format_display(),
                "ort": w.ort,
                "handlungsfeld_id": w.handlungsfeld_id,
                "agenda": w.agenda,
                "veroeffentlicht": w.veroeffentlicht_am is not None,
                "abgesagt": w.abgesagt,
            }
            for w in liste
        ],
    )
