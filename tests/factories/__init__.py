"""factory_boy factories for every model the tests need; realistic German values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from foerderung.models import Foerderbescheid, Foerderprogramm, Mittelabruf
from handlungsfelder.models import Handlungsfeld, Kennzahl, Lebensbereich, Ziel
from kommunen.models import Kommune, Kreis, Mitgliedschaft, Region, Rolle
from massnahmen.models import Massnahme, Meilenstein, Statusmeldung
from ozg.models import OzgLeistung, Umsetzungsstand
from workshops.models import Teilnahme, Workshop

PASSWORD = "sicheres-test-passwort-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("kurzname",)

    kurzname = "OWL"
    name = "Ostwestfalen-Lippe"
    slug = "owl"


class KreisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kreis
        django_get_or_create = ("ags",)

    ags = factory.Sequence(lambda n: f"{5700 + n:05d}")
    name = factory.Sequence(lambda n: f"Testkreis {n}")
    slug = factory.Sequence(lambda n: f"testkreis-{n}")
    region = factory.SubFactory(RegionFactory)


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ("ags",)

    kreis = factory.SubFactory(KreisFactory)
    ags = factory.LazyAttributeSequence(lambda o, n: f"{o.kreis.ags}{(n % 999) + 1:03d}")
    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")
    typ = Kommune.Typ.STADT
    einwohner = 12345
    einwohner_stand = dt.date(2023, 12, 31)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.invalid")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MitgliedschaftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mitgliedschaft

    user = factory.SubFactory(UserFactory)
    rolle = Rolle.CDO
    kommune = factory.SubFactory(KommuneFactory)


class HandlungsfeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handlungsfeld
        django_get_or_create = ("nummer",)

    nummer = factory.Sequence(lambda n: n + 1)
    kurzname = factory.Sequence(lambda n: f"Handlungsfeld {n + 1}")
    name = factory.LazyAttribute(lambda o: o.kurzname)
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n + 1}")


class LebensbereichFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lebensbereich
        django_get_or_create = ("schluessel",)

    schluessel = factory.Sequence(lambda n: f"bereich-{n}")
    name = factory.Sequence(lambda n: f"Lebensbereich {n}")


class ZielFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ziel

    kreis = factory.SubFactory(KreisFactory)
    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    titel = factory.Sequence(lambda n: f"Ziel {n}")


class KennzahlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kennzahl

    ziel = factory.SubFactory(ZielFactory)
    name = factory.Sequence(lambda n: f"Kennzahl {n}")
    basiswert = Decimal("10")
    basisdatum = dt.date(2024, 1, 1)
    zielwert = Decimal("50")
    zieldatum = dt.date(2027, 12, 31)


class MassnahmeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Massnahme
        skip_postgeneration_save = True

    kreis = factory.SubFactory(KreisFactory)
    titel = factory.Sequence(lambda n: f"Maßnahme {n}")
    beschreibung = "Gemeinsame Umsetzung in den Kommunen."
    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    federfuehrend = factory.SubFactory(KommuneFactory, kreis=factory.SelfAttribute("..kreis"))
    status = Massnahme.Status.IN_UMSETZUNG
    fortschritt = 40
    beginn = dt.date(2025, 1, 1)
    ende_geplant = dt.date(2027, 6, 30)

    @factory.post_generation
    def beteiligte(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.beteiligte.set(extracted)


class MeilensteinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meilenstein

    massnahme = factory.SubFactory(MassnahmeFactory)
    titel = factory.Sequence(lambda n: f"Meilenstein {n}")
    faellig_am = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class StatusmeldungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statusmeldung

    massnahme = factory.SubFactory(MassnahmeFactory)
    quartal = "2026-Q3"
    fortschritt = 40
    ampel = "gruen"
    erreicht = "Konzept abgestimmt."


class FoerderprogrammFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderprogramm
        django_get_or_create = ("kurzname",)

    kurzname = "IKZ NRW"
    name = "Förderung der interkommunalen Zusammenarbeit"
    foerdergeber = "Land Nordrhein-Westfalen"
    richtlinie = "Richtlinie vom 31. August 2021"
    max_foerderquote = Decimal("90")
    betragsregel = Foerderprogramm.Regel.IKZ_NRW_2021


class FoerderbescheidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderbescheid
        skip_postgeneration_save = True

    kreis = factory.SubFactory(KreisFactory)
    programm = factory.SubFactory(FoerderprogrammFactory)
    aktenzeichen = factory.Sequence(lambda n: f"34.2-IKZ-2021/{n:03d}")
    bescheiddatum = dt.date(2021, 11, 15)
    zuwendungsempfaenger = factory.SubFactory(
        KommuneFactory, kreis=factory.SelfAttribute("..kreis")
    )
    bewilligter_betrag = Decimal("245000.00")
    foerderquote = Decimal("90")
    bewilligungszeitraum_beginn = dt.date(2021, 12, 1)
    bewilligungszeitraum_ende = dt.date(2026, 12, 31)
    zweck = "Interkommunales E-Government-Projekt"


class MittelabrufFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mittelabruf

    bescheid = factory.SubFactory(FoerderbescheidFactory)
    datum = dt.date(2022, 6, 1)
    betrag = Decimal("50000.00")
    status = Mittelabruf.Status.BEANTRAGT
    # A paid drawdown needs its payout date; by default the day it was requested.
    ausgezahlt_am = factory.LazyAttribute(
        lambda o: o.datum if o.status == Mittelabruf.Status.AUSGEZAHLT else None
    )


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    kreis = factory.SubFactory(KreisFactory)
    titel = factory.Sequence(lambda n: f"Workshop {n}")
    beginn = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    ende = factory.LazyAttribute(lambda o: o.beginn + dt.timedelta(hours=2))
    format = Workshop.Format.VIDEO


class TeilnahmeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teilnahme

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(UserFactory)


class OzgLeistungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OzgLeistung
        django_get_or_create = ("ozg_id",)

    ozg_id = factory.Sequence(lambda n: str(10000 + n))
    name = factory.Sequence(lambda n: f"Leistung {n}")
    themenfeld = "Querschnitt"


class UmsetzungsstandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Umsetzungsstand

    leistung = factory.SubFactory(OzgLeistungFactory)
    kommune = factory.SubFactory(KommuneFactory)
    reifegradmodell = "2.0"
    reifegrad = 3
