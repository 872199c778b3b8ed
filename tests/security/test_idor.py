"""IDOR: object ids of another Kreis (or another Kommune) in URLs and in form fields.

- Every URL the permission matrix refuses to a role on GET is refused on POST as well,
  with the data a browser of an entitled user would send, and the database is unchanged.
  `cdo_fremd` (CDO of the city of Herford) must get no more than Herford's Kreis staff.
- Every form of every page, opened by a role that may use it, refuses the id of another
  Kreis's object (Kommune, Maßnahme, Ziel, Mitgliedschaft, Kreis, ...) in each of its model
  choice fields: the field reports an error, nothing is saved. The foreign object is found
  by its Kreis, not from the field's choices, so a choice list that is too wide fails.
- Ids a view reads from POST outside a Django form (Kreis of a new Maßnahme, the Kommune
  of an adoption or a workshop registration) are checked by hand below.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone

from kommunen.models import Kommune, Kreis
from kommunen.scope import scope_for
from massnahmen.models import Massnahme, Nachnutzung
from tests.matrix import OK
from workshops.models import Teilnahme, Workshop

from .conftest import (
    ABGELEHNT,
    POST_ABGELEHNT,
    als_daten,
    client_fuer,
    fehler_am_feld,
    fingerabdruck,
    formular_zu,
    formulare_im_kontext,
    geaenderte_tabellen,
    isoliert,
    matrix_zeilen,
    nimmt_post,
    post_formulare,
)

# Roles whose refusals on GET must hold for POST too; `cdo_fremd` has no column in the
# matrix and is held to what Herford's Kreis staff (`kreis_fremd`) may do.
ANGREIFER = {
    "cdo_eigen": "cdo_eigen",
    "cdo_andere": "cdo_andere",
    "kreis_fremd": "kreis_fremd",
    "region": "region",
    "cdo_fremd": "kreis_fremd",
}
# Who fills the forms in the form-field test (each with their own Kreis's forms).
# The DigitalBüro too (issue 15, point 2): its region projects and region workshops.
FORMULAR_ROLLEN = ("cdo_eigen", "kreis", "kreis_fremd", "region")


def _browser_daten(lage, path: str) -> dict:
    """What the Kreis's own staff would post on this page (empty if it has no form)."""
    response = lage.client("kreis").get(path)
    if response.status_code != OK or "html" not in response.get("Content-Type", ""):
        return {}
    for formular in post_formulare(response.content.decode()):
        if formular["action"] in {"", path}:
            return als_daten(formular["felder"])
    return {}


def test_refused_urls_refuse_post_and_change_nothing(lage):
    befunde, geprueft = [], 0
    for rolle in ["kreis", *ANGREIFER]:
        lage.client(rolle)  # logged in outside the rolled-back blocks below
    for name, template, expected in matrix_zeilen():
        path = lage.path(template)
        if expected.get("kreis_fremd") in ABGELEHNT:
            status = lage.client("cdo_fremd").get(path).status_code
            if status not in ABGELEHNT:
                befunde.append(f"GET {path} als cdo_fremd: {status}")
        if not nimmt_post(path):
            continue
        daten = _browser_daten(lage, path)
        for rolle, spalte in ANGREIFER.items():
            if expected.get(spalte) not in ABGELEHNT:
                continue
            with isoliert():
                client = lage.client(rolle)
                vorher = fingerabdruck()
                status = client.post(path, daten).status_code
                geaendert = geaenderte_tabellen(vorher, fingerabdruck())
                geprueft += 1
            if status not in POST_ABGELEHNT:
                befunde.append(f"POST {path} ({name}) als {rolle}: {status}, erwartet 403/404")
            if geaendert:
                befunde.append(f"POST {path} als {rolle} änderte {geaendert}")
    assert geprueft > 30
    assert not befunde, "\n".join(befunde)


# --- model choice fields ----------------------------------------------------------------------


def _auswahlfelder(form) -> list[tuple[str, forms.ModelChoiceField]]:
    return [
        (form.add_prefix(name), field)
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField)
    ]


# How an object of a form's choice leads to its Kreis (the tenancy boundary).
KREIS_PFADE = ("kreis", "kommune__kreis", "massnahme__kreis", "workshop__kreis", "bescheid__kreis")


def _hat_pfad(model, pfad: str) -> bool:
    for name in pfad.split("__"):
        try:
            model = model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            return False
        if model is None:
            return False
    return True


# Kommune fields that take any Kommune of the region (issue 15, point 1: partners and the
# source of a reused OZG solution): their foreign candidate is a Kommune of another region.
REGIONSWEITE_FELDER = {"beteiligte", "nachgenutzt_von"}


def _fremde_id(field: forms.ModelChoiceField, user, name: str = ""):
    """An object of another Kreis than the user's (for a region-wide field: of another
    region), of the field's model, whether or not the field offers it (a choice list that
    does is the bug this test is after)."""
    model = field.queryset.model
    scope = scope_for(user)
    eigene = scope.kreis_ids | scope.cdo_kreis_ids
    if scope.region_ids:  # the DigitalBüro runs its region's workshops and projects
        eigene |= set(
            Kreis.objects.filter(region_id__in=scope.region_ids).values_list("ags", flat=True)
        )
    if model is Kommune and name in REGIONSWEITE_FELDER:
        fremd = Kommune.objects.exclude(kreis__region_id__in=scope.mitglied_region_ids)
    elif model is Kreis:
        fremd = Kreis.objects.exclude(pk__in=eigene)
    else:
        pfade = [p for p in KREIS_PFADE if _hat_pfad(model, p)]
        if not pfade:
            return None  # not Kreis-scoped (Handlungsfeld, Förderprogramm, ...)
        eigen, zugeordnet = Q(), Q()
        for pfad in pfade:
            eigen |= Q(**{f"{pfad}__in": eigene})
            zugeordnet |= Q(**{f"{pfad}__isnull": False})
        fremd = model._default_manager.filter(zugeordnet).exclude(eigen)
    objekt = fremd.order_by("pk").first()
    return None if objekt is None else field.prepare_value(objekt)


def _ausfuellen(daten: dict, form) -> dict:
    """Fill the empty required fields with plausible values, so the injected field is
    (ideally) the only thing wrong with the post."""
    morgen = timezone.localtime() + dt.timedelta(days=1)
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if any(v not in ("", None) for v in daten.get(key, [])) or not field.required:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            wert = [str(field.prepare_value(o)) for o in field.queryset[:1]]
        elif isinstance(field, forms.ModelChoiceField):
            wert = [str(field.prepare_value(o)) for o in field.queryset[:1]]
        elif isinstance(field, forms.ChoiceField):
            wert = [str(k) for k, _ in field.choices if k not in ("", None)][:1]
        elif isinstance(field, forms.DateTimeField):
            wert = [morgen.strftime("%Y-%m-%dT%H:%M")]
        elif isinstance(field, forms.DateField):
            wert = [morgen.date().isoformat()]
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            wert = ["1"]
        elif isinstance(field, forms.EmailField):
            wert = ["test@example.invalid"]
        elif isinstance(field, forms.URLField):
            wert = ["https://example.invalid/"]
        elif isinstance(field, forms.BooleanField):
            wert = ["on"]
        elif isinstance(field, forms.FileField):
            continue
        else:
            wert = ["Angriffstest"]
        daten[key] = wert
    return daten


def test_forms_refuse_ids_outside_their_choices(lage):
    befunde, eingeschleust, nur_dieses_feld = [], 0, 0
    for rolle in FORMULAR_ROLLEN:
        lage.client(rolle)
    for name, template, expected in matrix_zeilen():
        path = lage.path(template)
        if not nimmt_post(path):
            continue
        for rolle in FORMULAR_ROLLEN:
            if expected.get(rolle) != OK:
                continue
            client = lage.client(rolle)
            response = client.get(path)
            if response.status_code != OK or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            for form in formulare_im_kontext(response):
                felder = _auswahlfelder(form)
                formular = formular_zu(html, form) if felder else None
                if formular is None or formular["action"] not in {"", path}:
                    continue
                basis = _ausfuellen(als_daten(formular["felder"]), form)
                for key, field in felder:
                    fremd = _fremde_id(field, lage.users[rolle], name=key)
                    if fremd is None:
                        continue
                    daten = dict(basis)
                    if isinstance(field, forms.ModelMultipleChoiceField):
                        daten[key] = [*basis.get(key, []), str(fremd)]
                    else:
                        daten[key] = [str(fremd)]
                    with isoliert():
                        vorher = fingerabdruck()
                        antwort = client.post(path, daten)
                        geaendert = geaenderte_tabellen(vorher, fingerabdruck())
                    eingeschleust += 1
                    wo = f"{path} ({name}) als {rolle}, Feld {key}={fremd}"
                    if antwort.status_code in ABGELEHNT:
                        continue
                    if antwort.status_code in {301, 302, 303}:
                        befunde.append(f"{wo}: angenommen ({antwort.status_code})")
                    elif not fehler_am_feld(antwort, type(form), key):
                        befunde.append(f"{wo}: kein Fehler am Feld ({antwort.status_code})")
                    else:
                        bound = next(
                            f for f in formulare_im_kontext(antwort) if isinstance(f, type(form))
                        )
                        nur_dieses_feld += set(bound.errors) == {key.split("-")[-1]}
                    if geaendert:
                        befunde.append(f"{wo}: änderte {geaendert}")
    # The harness must reach real forms: Maßnahme, Förderbescheid, workshop, Ergebnis, ...
    assert eingeschleust >= 15, eingeschleust
    # ... and fill them well enough that the injected id is often the only complaint.
    assert nur_dieses_feld >= 5, nur_dieses_feld
    assert not befunde, "\n".join(befunde)


# --- ids posted outside a Django form -----------------------------------------------------------


def test_new_massnahme_cannot_be_placed_in_another_kreis(lage):
    welt = lage.welt
    for rolle in ("cdo_eigen", "kreis"):
        client = client_fuer(lage.users[rolle])
        client.post(
            f"/massnahmen/neu/?kreis={welt.herford.pk}",
            {
                "kreis": welt.herford.pk,
                "titel": f"Eingeschleust von {rolle}",
                "handlungsfeld": welt.handlungsfeld.pk,
                "federfuehrend": welt.detmold.pk,
                "status": Massnahme.Status.GEPLANT,
                "fortschritt": "0",
                "ampel": "gruen",
                "meilensteine-TOTAL_FORMS": "0",
                "meilensteine-INITIAL_FORMS": "0",
            },
        )
        angelegt = Massnahme.objects.filter(titel=f"Eingeschleust von {rolle}").first()
        assert angelegt is None or angelegt.kreis_id == welt.lippe.pk, rolle


def test_cdo_cannot_make_another_kommune_of_the_kreis_lead(lage):
    """Inside the Kreis too: Detmold's CDO leads only for Detmold."""
    welt = lage.welt
    response = lage.client("cdo_eigen").post(
        "/massnahmen/neu/",
        {
            "titel": "Für Lemgo angelegt",
            "handlungsfeld": welt.handlungsfeld.pk,
            "federfuehrend": welt.lemgo.pk,
            "status": Massnahme.Status.GEPLANT,
            "fortschritt": "0",
            "ampel": "gruen",
            "meilensteine-TOTAL_FORMS": "0",
            "meilensteine-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 422
    assert "federfuehrend" in response.context["form"].errors
    assert not Massnahme.objects.filter(titel="Für Lemgo angelegt").exists()


def test_adoption_only_for_the_users_own_kommune(lage):
    welt = lage.welt
    client = client_fuer(lage.users["cdo_andere"])  # CDO of Lemgo
    path = f"/massnahmen/{welt.massnahme.pk}/nachnutzen/"
    for fremde in (welt.blomberg, welt.herford_stadt, welt.detmold):
        response = client.post(path, {"kommune": fremde.pk})
        assert response.status_code == 422, fremde
    assert not Nachnutzung.objects.exists()
    assert not Massnahme.objects.filter(nachnutzung_von=welt.massnahme).exists()


def test_workshop_registration_only_for_own_kommune(lage):
    welt = lage.welt
    beginn = timezone.now() + dt.timedelta(days=10)
    workshop = Workshop.objects.create(
        kreis=welt.lippe,
        titel="Regeltreffen",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=2),
        format=Workshop.Format.VIDEO,
        veroeffentlicht_am=timezone.now(),
    )
    client = client_fuer(lage.users["cdo_eigen"])  # CDO of Detmold
    for fremde in (welt.lemgo, welt.herford_stadt):
        client.post(f"/workshops/{workshop.pk}/anmelden/", {"kommune": fremde.pk})
    assert not Teilnahme.objects.exclude(kommune=welt.detmold).exists()
