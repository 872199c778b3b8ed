"""Demo data of the tenancy: demo accounts with their Mitgliedschaften and short profiles
of the 16 Lippe Kommunen. Called by `manage.py seed_demo` (after load_reference_data).

All people are invented. The helpers at the top are used by the demo modules of the apps
above (`massnahmen.demo`, `workshops.demo`, …).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Q

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


def seed(stdout) -> None:
    owl = Region.objects.get(kurzname=REGION_OWL)
    accounts = DemoAccounts()
    # Lippe's people first, so they keep the ids they had when Lippe was the only demo Kreis.
    personen = sorted(demodaten.personen().items(), key=lambda item: item[0] != "lippe")
    _personen(accounts, personen[:1])
    for region in demodaten.regionen():
        person = region.get("person")
        if person:
            vorname, nachname = person["name"].rsplit(" ", 1)
            user = accounts.ensure(person["email"], vorname, nachname, person["funktion"])
            upsert(Mitgliedschaft, {"user": user, "region": owl}, {"rolle": Rolle.REGION})
    accounts.ensure(ADMIN_EMAIL, "Portal", "Administration", "Technischer Betrieb", superuser=True)
    _personen(accounts, personen[1:])
    accounts.finish()
    _profile()


def _personen(accounts: DemoAccounts, listen: list[tuple[str, bytes]]) -> None:
    """Kreis staff and CDOs of every Kreis with a list in data/demo/personen/, read as
    `kreis_einrichten` reads it (same checks), but with the demo password and no mail."""
    from .services import check_personen

    kreise = {k.slug: k for k in Kreis.objects.all()}
    for slug, inhalt in listen:
        for eintrag in check_personen(kreis=kreise[slug], inhalt=inhalt):
            user = accounts.ensure(
                eintrag.email, eintrag.vorname, eintrag.nachname, eintrag.funktion
            )
            bereich = {"kommune": eintrag.kommune} if eintrag.kommune else {"kreis": eintrag.kreis}
            upsert(Mitgliedschaft, {"user": user, **bereich}, {"rolle": eintrag.rolle})


def _profile() -> None:
    """A short profile (and a website, where the Kreis's file names one) for every Kommune
    that has none yet: type, Kreis and inhabitants, then the file's `profile` remark for the
    Kommune or for all its Kommunen. A profile kept by the Kommune itself is never
    overwritten: only empty fields are filled."""
    angaben = {daten["kreis"]: daten.get("profile", {}) for daten in demodaten.kreise()}
    for kommune in Kommune.objects.select_related("kreis").filter(
        Q(beschreibung="") | Q(website="")
    ):
        profile = angaben.get(kommune.kreis_id, {})
        eigene = (profile.get("kommunen") or {}).get(kommune.slug, {})
        werte = {}
        if not kommune.website and eigene.get("website"):
            werte["website"] = eigene["website"]
        if not kommune.beschreibung:
            werte["beschreibung"] = _profil(kommune, eigene.get("zusatz") or profile.get("zusatz"))
        if werte:
            upsert(Kommune, {"pk": kommune.pk}, werte, existing=kommune)


def _profil(kommune: Kommune, zusatz: str | None) -> str:
    if kommune.typ == Kommune.Typ.KREISFREIE_STADT:
        profil = "Kreisfreie Stadt in Ostwestfalen-Lippe"
    else:
        profil = f"{kommune.benennung.nomen} {kommune.kreis.lokativ}"
    if kommune.einwohner:
        profil += f" mit {zahl(kommune.einwohner)} Einwohnerinnen und Einwohnern"
        if kommune.einwohner_stand:
            profil += f" (Stand {kommune.einwohner_stand:%d.%m.%Y})"
    return f"{profil}. {zusatz}" if zusatz else f"{profil}."


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
    kommunen = sorted(kommunen_lippe())
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
