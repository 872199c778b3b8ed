"""Demo data of the tenancy: demo accounts with their Mitgliedschaften and short profiles
of the 16 Lippe Kommunen. Called by `manage.py seed_demo` (after load_reference_data).

All people are invented. The helpers at the top are used by the demo modules of the apps
above (`massnahmen.demo`, `workshops.demo`, …).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password

from core import demodaten
from core.formatting import zahl
from core.reference import upsert

from .models import Kommune, Kreis, Mitgliedschaft, Region, Rolle

PASSWORT = "lippe-demo-2026"
LIPPE_AGS = "05766"
REGION_OWL = "OWL"
KREIS_EMAIL = "kreis@demo.invalid"
OWL_EMAIL = "owl@demo.invalid"
ADMIN_EMAIL = "admin@demo.invalid"
KREIS_REGION_EMAIL = "kreis.{slug}@demo.invalid"  # Kreis staff of each OWL Kreis (data/demo/)


def cdo_email(kommune_slug: str) -> str:
    return f"cdo.{kommune_slug}@demo.invalid"


def lippe() -> Kreis:
    return Kreis.objects.get(pk=LIPPE_AGS)


def kommunen_lippe() -> dict[str, Kommune]:
    """The 16 Kommunen of Kreis Lippe by slug."""
    return {k.slug: k for k in Kommune.objects.filter(kreis_id=LIPPE_AGS)}


def demo_users() -> dict[str, object]:
    """All demo accounts by e-mail address."""
    return {u.email: u for u in get_user_model().objects.filter(email__endswith="@demo.invalid")}


def demo_kreise() -> Iterator[tuple[Kreis, dict[str, Kommune], dict]]:
    """The Kreise with demo content in data/demo/kreise/: each with its Kommunen by slug and
    the content of its file. Lippe comes first, so its rows keep the ids they had when it
    was the only demo Kreis."""
    kreise = {k.ags: k for k in Kreis.objects.prefetch_related("kommunen")}
    for daten in sorted(demodaten.kreise(), key=lambda daten: daten["kreis"] != LIPPE_AGS):
        kreis = kreise[daten["kreis"]]
        yield kreis, {k.slug: k for k in kreis.kommunen.all()}, daten


def demo_regionen() -> Iterator[tuple[Region, dict[str, Kommune], dict]]:
    """The regions with demo content of their own in data/demo/regionen/: each with the
    Kommunen of all its Kreise by slug (unique within a region) and the file's content."""
    for daten in demodaten.regionen():
        region = Region.objects.get(kurzname=daten["region"])
        kommunen = Kommune.objects.filter(kreis__region=region)
        yield region, {k.slug: k for k in kommunen}, daten


def kreis_person(kreis: Kreis, daten: dict) -> str:
    """The e-mail of the Kreis staff account that writes the Kreis's own demo entries: the
    file's `kreis_person`, else `kreis.<slug>@demo.invalid`."""
    return daten.get("kreis_person") or KREIS_REGION_EMAIL.format(slug=kreis.slug)


# Invented people (no one from the press texts): first name, last name, female?
CDOS = {
    "augustdorf": ("Miriam", "Albers", True),
    "bad-salzuflen": ("Jonas", "Brinkmann", False),
    "barntrup": ("Katrin", "Vogt", True),
    "blomberg": ("Henrik", "Stolte", False),
    "detmold": ("Sabine", "Kortemeier", True),
    "doerentrup": ("Felix", "Rehage", False),
    "extertal": ("Anja", "Plöger", True),
    "horn-bad-meinberg": ("Nils", "Tegeler", False),
    "kalletal": ("Julia", "Hagemeier", True),
    "lage": ("Markus", "Böke", False),
    "lemgo": ("Christina", "Wessel", True),
    "leopoldshoehe": ("Stefan", "Kuhlmann", False),
    "luegde": ("Laura", "Niemeier", True),
    "oerlinghausen": ("Patrick", "Husemann", False),
    "schieder-schwalenberg": ("Sandra", "Klemme", True),
    "schlangen": ("Daniel", "Oevermann", False),
}

WEBSITES = {
    "augustdorf": "https://www.augustdorf.de",
    "bad-salzuflen": "https://www.bad-salzuflen.de",
    "barntrup": "https://www.barntrup.de",
    "blomberg": "https://www.blomberg-lippe.de",
    "detmold": "https://www.detmold.de",
    "doerentrup": "https://www.doerentrup.de",
    "extertal": "https://www.extertal.de",
    "horn-bad-meinberg": "https://www.horn-badmeinberg.de",
    "kalletal": "https://www.kalletal.de",
    "lage": "https://www.lage.de",
    "lemgo": "https://www.lemgo.de",
    "leopoldshoehe": "https://www.leopoldshoehe.de",
    "luegde": "https://www.luegde.de",
    "oerlinghausen": "https://www.oerlinghausen.de",
    "schieder-schwalenberg": "https://www.schieder-schwalenberg.de",
    "schlangen": "https://www.schlangen.de",
}

PROFIL_ZUSATZ = {
    "detmold": "Kreisstadt und Sitz der Bezirksregierung Detmold.",
    "lemgo": "Alte Hansestadt; Sitz des Kommunalen Rechenzentrums Minden-Ravensberg/Lippe (krz).",
    "blomberg": (
        "Nelkenstadt; federführend im interkommunalen E-Government-Projekt mit Lügde, "
        "Schieder-Schwalenberg und Kalletal."
    ),
    "bad-salzuflen": "Staatsbad; koordiniert das gemeinsame Schulungsprogramm.",
    "luegde": "Partnerin im interkommunalen E-Government-Projekt mit Blomberg.",
    "schieder-schwalenberg": "Partnerin im interkommunalen E-Government-Projekt mit Blomberg.",
    "kalletal": "Partnerin im interkommunalen E-Government-Projekt mit Blomberg.",
}


def seed(stdout) -> None:
    kreis = lippe()
    owl = Region.objects.get(kurzname=REGION_OWL)
    kommunen = kommunen_lippe()
    missing = sorted(set(CDOS) - set(kommunen))
    if missing:
        raise RuntimeError(f"Kommunen fehlen in den Referenzdaten: {', '.join(missing)}")

    accounts = DemoAccounts()
    for slug, (vorname, nachname, weiblich) in CDOS.items():
        user = accounts.ensure(
            cdo_email(slug),
            vorname,
            nachname,
            "Digitalisierungsbeauftragte" if weiblich else "Digitalisierungsbeauftragter",
        )
        upsert(Mitgliedschaft, {"user": user, "kommune": kommunen[slug]}, {"rolle": Rolle.CDO})
    kreis_user = accounts.ensure(
        KREIS_EMAIL, "Karin", "Wehmeier", "Stabsstelle Digitalisierung, Kreisverwaltung Lippe"
    )
    upsert(Mitgliedschaft, {"user": kreis_user, "kreis": kreis}, {"rolle": Rolle.KREIS})
    owl_user = accounts.ensure(
        OWL_EMAIL, "Tim", "Redeker", "DigitalBüro OWL, Regionale Koordination"
    )
    upsert(Mitgliedschaft, {"user": owl_user, "region": owl}, {"rolle": Rolle.REGION})
    accounts.ensure(ADMIN_EMAIL, "Portal", "Administration", "Technischer Betrieb", superuser=True)
    _personen_der_region(accounts)
    accounts.finish()
    _profile_der_region()

    for slug, kommune in kommunen.items():
        art = "Stadt" if kommune.typ == Kommune.Typ.STADT else "Gemeinde"
        profil = f"{art} im Kreis Lippe"
        if kommune.einwohner:
            profil += f" mit {zahl(kommune.einwohner)} Einwohnerinnen und Einwohnern"
            if kommune.einwohner_stand:
                profil += f" (Stand {kommune.einwohner_stand:%d.%m.%Y})"
        profil += ". " + PROFIL_ZUSATZ.get(
            slug,
            "Teil der Kooperation der Digitalisierungsbeauftragten aller 16 lippischen Kommunen.",
        )
        # Only fill empty fields: a profile kept by the Kommune itself is never overwritten.
        werte = {}
        if not kommune.website and slug in WEBSITES:
            werte["website"] = WEBSITES[slug]
        if not kommune.beschreibung:
            werte["beschreibung"] = profil
        if werte:
            upsert(Kommune, {"pk": kommune.pk}, werte, existing=kommune)


def _personen_der_region(accounts: DemoAccounts) -> None:
    """Kreis staff and CDOs of every Kreis with a list in data/demo/personen/, read as
    `kreis_einrichten` reads it (same checks), but with the demo password and no mail."""
    from .services import personen_pruefen

    kreise = {k.slug: k for k in Kreis.objects.all()}
    for slug, inhalt in demodaten.personen().items():
        for eintrag in personen_pruefen(kreis=kreise[slug], inhalt=inhalt):
            user = accounts.ensure(
                eintrag.email, eintrag.vorname, eintrag.nachname, eintrag.funktion
            )
            bereich = {"kommune": eintrag.kommune} if eintrag.kommune else {"kreis": eintrag.kreis}
            upsert(Mitgliedschaft, {"user": user, **bereich}, {"rolle": eintrag.rolle})


def _profile_der_region() -> None:
    """A short profile for every Kommune outside Lippe that has none yet."""
    for kommune in (
        Kommune.objects.exclude(kreis_id=LIPPE_AGS).filter(beschreibung="").select_related("kreis")
    ):
        if kommune.typ == Kommune.Typ.KREISFREIE_STADT:
            profil = "Kreisfreie Stadt in Ostwestfalen-Lippe"
        else:
            profil = f"{kommune.benennung.nomen} {kommune.kreis.lokativ}"
        if kommune.einwohner:
            profil += f" mit {zahl(kommune.einwohner)} Einwohnerinnen und Einwohnern"
            if kommune.einwohner_stand:
                profil += f" (Stand {kommune.einwohner_stand:%d.%m.%Y})"
        upsert(Kommune, {"pk": kommune.pk}, {"beschreibung": profil + "."}, existing=kommune)


class DemoAccounts:
    """Creates or updates demo accounts, hashing the shared password only once.

    Hashing is deliberately slow (PBKDF2); 19 separate hashes, and 19 checks on every
    re-run, would make `seed_demo` take many seconds. Accounts that already hold a hash
    of the demo password are left alone; the check is made once per distinct hash.
    """

    def __init__(self) -> None:
        self.model = get_user_model()
        self.users = []
        self._hash = None

    def ensure(self, email, vorname, nachname, funktion, *, superuser=False):
        werte = {
            "first_name": vorname,
            "last_name": nachname,
            "funktion": funktion,
            "is_active": True,
        }
        if superuser:
            werte.update(is_staff=True, is_superuser=True)
        user = self.model.objects.filter(email__iexact=email).first()
        if user is None:
            user = self.model(email=email, password=self.hash(), **werte)
            user.save()
        else:
            upsert(self.model, {"pk": user.pk}, werte, existing=user)
        self.users.append(user)
        return user

    def hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(PASSWORT)
        return self._hash

    def finish(self) -> None:
        """Reset the password of every demo account that no longer has the demo password."""
        # A hash made in this run needs no check.
        gueltig: dict[str, bool] = {self._hash: True} if self._hash else {}
        for user in self.users:
            if user.password not in gueltig:
                gueltig[user.password] = check_password(PASSWORT, user.password)
            if not gueltig[user.password]:
                user.password = self.hash()
                user.save(update_fields=["password"])


def summary() -> list[str]:
    kommunen = sorted(CDOS)
    return [
        f"Demo-Zugänge (Passwort für alle: {PASSWORT}):",
        f"  {ADMIN_EMAIL:<32} Administration (Superuser)",
        f"  {KREIS_EMAIL:<32} Kreisverwaltung Lippe",
        f"  {OWL_EMAIL:<32} DigitalBüro OWL (Region)",
        f"  {'kreis.<kreis>@demo.invalid':<32} Kreisverwaltungen der sieben OWL-Kreise, "
        f"z. B. {KREIS_REGION_EMAIL.format(slug='herford')}",
        f"  {'cdo.<kommune>@demo.invalid':<32} Digitalisierungsbeauftragte aller 70 Kommunen, "
        f"z. B. {cdo_email('detmold')}, {cdo_email('buende')}",
        "  <kommune> in Lippe = " + ", ".join(kommunen),
    ]
