"""The daily and the weekly overview by e-mail.

Daily (07:00): the notifications of the previous day of the kinds a person wants "im
täglichen Überblick". Weekly (Monday 07:00, Europe/Berlin): those of the previous week of
the kinds wanted weekly, and the person's open duties – Statusmeldungen owed, milestones
due, workshop Ergebnisse assigned to their Kommune – and the deadlines of their
Förderbescheide, and the Lösungskatalog's entries new since their last weekly overview that
fit their Kommune's gaps (ozg.wer_hat_das_schon, the start page's „Wer hat das
schon?“). Everything is read through the person's own `for_user()` when the mail is
built, so it never holds what they may not read. Each overview has a key (person and
day or ISO week): the task run twice sends once.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.quartal import Quartal
from foerderung.models import Foerderbescheid
from foerderung.services import ABGESCHLOSSENE_STATUS
from kommunen.models import Kommune
from kommunen.scope import scope_for
from massnahmen.models import Massnahme, Meilenstein
from ozg.wer_hat_das_schon import matching_loesungen, new_in_katalog
from workshops.models import Ergebnis, Workshop

from . import mail
from .models import (
    MAILART_HAEUFIGKEITEN,
    Benachrichtigung,
    Haeufigkeit,
    Mail,
    Mailart,
    Mailpraeferenz,
)

# Milestones and deadlines this many days ahead; Statusmeldungen from this many days
# before the quarter's end.
VORSCHAU_TAGE = 14
FRISTEN_TAGE = 30
STATUSMELDUNG_AB_TAGE = 31
# New catalogue entries listed per Kommune; the rest is one link to the catalogue.
NEUE_LOESUNGEN_HOECHSTENS = 10
WOCHE_PREFIX = "woche:"


def _midnight(tag: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(tag, dt.time.min))


def _ereignis_arten(person_id: int, haeufigkeit: str, praeferenzen: dict) -> list[str]:
    eigene = praeferenzen.get(person_id, {})
    return [
        art
        for art in Benachrichtigung.Art.values
        if eigene.get(art, MAILART_HAEUFIGKEITEN[art][0]) == haeufigkeit
    ]


def _praeferenzen(ids) -> dict[int, dict[str, str]]:
    ergebnis: dict[int, dict[str, str]] = {}
    for person_id, art, haeufigkeit in Mailpraeferenz.objects.filter(person_id__in=ids).values_list(
        "person_id", "art", "haeufigkeit"
    ):
        ergebnis.setdefault(person_id, {})[art] = haeufigkeit
    return ergebnis


def _news(person, arten, von, bis) -> list[mail.Eintrag]:
    if not arten:
        return []
    eintraege = (
        Benachrichtigung.objects.for_recipient(person)
        .filter(art__in=arten, erstellt_am__gte=von, erstellt_am__lt=bis)
        .order_by("erstellt_am", "pk")
    )
    return [
        mail.Eintrag(
            b.text,
            mail.absolute_url(reverse("benachrichtigungen:oeffnen", args=[b.pk])),
            timezone.localtime(b.erstellt_am).strftime("%d.%m.%Y"),
        )
        for b in eintraege
    ]


def tagesueberblick(*, heute: dt.date | None = None) -> int:
    """Daily: yesterday's notifications for those who want them daily; returns the mails."""
    heute = heute or timezone.localdate()
    gestern = heute - dt.timedelta(days=1)
    von, bis = _midnight(gestern), _midnight(heute)
    ids = set(
        Benachrichtigung.objects.filter(erstellt_am__gte=von, erstellt_am__lt=bis).values_list(
            "empfaenger_id", flat=True
        )
    )
    praeferenzen = _praeferenzen(ids)
    gesendet = 0
    for person in get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"):
        arten = _ereignis_arten(person.pk, Haeufigkeit.TAEGLICH, praeferenzen)
        eintraege = _news(person, arten, von, bis)
        if not eintraege:
            continue
        inhalt = mail.Inhalt(
            betreff=f"Ihr Tagesüberblick vom {gestern:%d.%m.%Y}",
            einleitung=f"das ist am {gestern:%d.%m.%Y} bei dem passiert, dem Sie folgen:",
            abschnitte=[mail.Abschnitt("", eintraege)],
        )
        if mail.enqueue_mail(
            person=person, schluessel=f"tag:{gestern}:{person.pk}", inhalt=inhalt, arten=arten
        ):
            gesendet += 1
    return gesendet


# --- The weekly overview ------------------------------------------------------------------


def _statusmeldungen(person, scope, heute: dt.date) -> list[mail.Eintrag]:
    """The running quarter's Statusmeldungen the person owes (their Kommune or Kreis leads),
    once the quarter's end is near."""
    quartal = Quartal.from_date(heute)
    if (quartal.ende - heute).days > STATUSMELDUNG_AB_TAGE:
        return []
    offen = (
        Massnahme.objects.for_user(person)
        .meldepflichtig(quartal)
        .filter(_responsible_q(scope))
        .without_statusmeldung(quartal)
        .order_by("titel", "pk")
    )
    return [
        mail.Eintrag(
            m.titel,
            mail.absolute_url(reverse("massnahmen:statusmeldung", args=[m.pk])),
            f"fällig bis {quartal.ende:%d.%m.%Y}",
        )
        for m in offen
    ]


def _responsible_q(scope, prefix: str = "") -> Q:
    """Maßnahmen the person answers for: led by their Kommune, or by their Kreis itself."""
    return Q(**{f"{prefix}federfuehrend_id__in": scope.cdo_kommune_ids}) | Q(
        **{f"{prefix}federfuehrend__isnull": True, f"{prefix}kreis_id__in": scope.kreis_ids}
    )


def _meilensteine(person, scope, heute: dt.date) -> list[mail.Eintrag]:
    lesbar = Massnahme.objects.for_user(person).active().filter(_responsible_q(scope))
    steine = (
        Meilenstein.objects.filter(
            massnahme__in=lesbar.values("pk"),
            erreicht_am__isnull=True,
            faellig_am__lte=heute + dt.timedelta(days=VORSCHAU_TAGE),
        )
        .select_related("massnahme")
        .order_by("faellig_am", "pk")
    )
    return [
        mail.Eintrag(
            f"{s.titel} ({s.massnahme.titel})",
            mail.absolute_url(s.massnahme.get_absolute_url()),
            f"{'überfällig seit' if s.faellig_am < heute else 'fällig am'} {s.faellig_am:%d.%m.%Y}",
        )
        for s in steine
    ]


def _results(person, scope) -> list[mail.Eintrag]:
    if not scope.cdo_kommune_ids:
        return []
    offen = (
        Ergebnis.objects.filter(
            workshop__in=Workshop.objects.visible_to(person).values("pk"),
            verantwortlich_id__in=scope.cdo_kommune_ids,
        )
        .exclude(status=Ergebnis.Status.ERLEDIGT)
        .select_related("workshop", "verantwortlich")
        .order_by("faellig_am", "pk")
    )
    return [
        mail.Eintrag(
            f"{e.beschreibung[:120]} (Workshop „{e.workshop.titel}“)",
            mail.absolute_url(e.workshop.get_absolute_url()),
            f"fällig am {e.faellig_am:%d.%m.%Y}" if e.faellig_am else e.get_status_display(),
        )
        for e in offen
    ]


def _fristen(person, scope, heute: dt.date) -> list[mail.Eintrag]:
    bis = heute + dt.timedelta(days=FRISTEN_TAGE)
    eigene = Q(zuwendungsempfaenger_id__in=scope.cdo_kommune_ids) | Q(
        partner__in=scope.cdo_kommune_ids
    )
    eigene |= Q(kreis_id__in=scope.kreis_ids)
    bescheide = (
        Foerderbescheid.objects.for_user(person)
        .filter(eigene)
        .exclude(status__in=ABGESCHLOSSENE_STATUS)
        .filter(
            Q(verwendungsnachweis_faellig__range=(heute, bis))
            | Q(bewilligungszeitraum_ende__range=(heute, bis))
        )
        .distinct()
        .order_by("aktenzeichen", "pk")
    )
    eintraege = []
    for b in bescheide:
        for datum, was in (
            (b.verwendungsnachweis_faellig, "Verwendungsnachweis fällig"),
            (b.bewilligungszeitraum_ende, "Bewilligungszeitraum endet"),
        ):
            if datum and heute <= datum <= bis:
                eintraege.append(
                    (
                        datum,
                        mail.Eintrag(
                            f"Förderbescheid {b.aktenzeichen}: {was}",
                            mail.absolute_url(b.get_absolute_url()),
                            f"am {datum:%d.%m.%Y}",
                        ),
                    )
                )
    return [eintrag for _, eintrag in sorted(eintraege, key=lambda e: e[0])]


def _tasks(person, heute: dt.date) -> list[mail.Abschnitt]:
    scope = scope_for(person)
    abschnitte = [
        ("Statusmeldungen, die noch fehlen", _statusmeldungen(person, scope, heute)),
        ("Meilensteine, die fällig sind", _meilensteine(person, scope, heute)),
        ("Aufgaben Ihrer Kommune aus Workshops", _results(person, scope)),
        ("Fristen der Förderbescheide", _fristen(person, scope, heute)),
    ]
    return [mail.Abschnitt(titel, eintraege) for titel, eintraege in abschnitte if eintraege]


def _last_ueberblick_until(person, montag: dt.date) -> dt.datetime | None:
    """Where the person's last weekly overview before `montag` ended (midnight of the
    Monday it was sent for), read from its key in the outbox; None if they never had one."""
    montage = []
    for schluessel in Mail.objects.filter(
        empfaenger=person, schluessel__startswith=WOCHE_PREFIX
    ).values_list("schluessel", flat=True):
        try:
            jahr, woche = schluessel.split(":")[1].split("-W")
            gesendet_fuer = dt.date.fromisocalendar(int(jahr), int(woche), 1)
        except (IndexError, ValueError):
            continue
        if gesendet_fuer < montag:
            montage.append(gesendet_fuer)
    return _midnight(max(montage)) if montage else None


def _new_loesungen(person, scope, *, seit, bis) -> list[mail.Abschnitt]:
    """Per Kommune of the person (as CDO): the catalogue entries that fit its gaps and
    entered the catalogue since the last weekly overview – the start page's list, read with
    the person's rights."""
    abschnitte = []
    for kommune in (
        Kommune.objects.filter(pk__in=scope.cdo_kommune_ids)
        .select_related("kreis")
        .order_by("name")
    ):
        neu = list(
            new_in_katalog(matching_loesungen(kommune, person), seit=seit, bis=bis)[
                : NEUE_LOESUNGEN_HOECHSTENS + 1
            ]
        )
        if not neu:
            continue
        eintraege = [
            mail.Eintrag(
                f"{m.titel} – {m.federfuehrung_display}, "
                f"{m.handlungsfeld.kurzname or m.handlungsfeld.name}",
                mail.absolute_url(m.get_absolute_url()),
                f"seit {timezone.localtime(m.im_katalog_seit):%d.%m.%Y} im Lösungskatalog",
            )
            for m in neu[:NEUE_LOESUNGEN_HOECHSTENS]
        ]
        if len(neu) > NEUE_LOESUNGEN_HOECHSTENS:
            eintraege.append(
                mail.Eintrag(
                    "Weitere neue Lösungen im Lösungskatalog",
                    mail.absolute_url(reverse("loesungen:katalog")),
                )
            )
        abschnitte.append(
            mail.Abschnitt(f"Neu im Lösungskatalog, passend für {kommune.name}", eintraege)
        )
    return abschnitte


def wochenueberblick(*, heute: dt.date | None = None) -> int:
    """Monday: last week's news in what a person follows (kinds wanted weekly), their open
    duties and deadlines, and new solutions for their Kommune's gaps. Returns the number of
    mails queued."""
    heute = heute or timezone.localdate()
    montag = heute - dt.timedelta(days=heute.weekday())
    von, bis = _midnight(montag - dt.timedelta(days=7)), _midnight(montag)
    jahr, woche, _ = montag.isocalendar()
    personen = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(mitgliedschaften__isnull=False)
            | Q(benachrichtigungen__erstellt_am__gte=von, benachrichtigungen__erstellt_am__lt=bis)
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    personen = list(personen)
    praeferenzen = _praeferenzen([p.pk for p in personen])
    gesendet = 0
    for person in personen:
        arten = _ereignis_arten(person.pk, Haeufigkeit.WOECHENTLICH, praeferenzen)
        abschnitte = []
        neu = _news(person, arten, von, bis)
        if neu:
            abschnitte.append(mail.Abschnitt("Neues bei dem, dem Sie folgen", neu))
        aufgaben_an = (
            praeferenzen.get(person.pk, {}).get(
                Mailart.AUFGABEN, MAILART_HAEUFIGKEITEN[Mailart.AUFGABEN][0]
            )
            == Haeufigkeit.WOECHENTLICH
        )
        if aufgaben_an:
            abschnitte += _tasks(person, heute)
        loesungen_an = scope_for(person).cdo_kommune_ids and (
            praeferenzen.get(person.pk, {}).get(
                Mailart.LOESUNGEN, MAILART_HAEUFIGKEITEN[Mailart.LOESUNGEN][0]
            )
            == Haeufigkeit.WOECHENTLICH
        )
        if loesungen_an:
            seit = _last_ueberblick_until(person, montag) or von
            abschnitte += _new_loesungen(person, scope_for(person), seit=seit, bis=bis)
        if not abschnitte:
            continue
        inhalt = mail.Inhalt(
            betreff=f"Ihr Wochenüberblick (KW {woche}/{jahr})",
            einleitung="hier ist Ihr Überblick über die vergangene Woche und was jetzt ansteht:",
            abschnitte=abschnitte,
            schluss="Alle Benachrichtigungen finden Sie auch im Portal unter "
            f"{mail.absolute_url(reverse('benachrichtigungen:liste'))}.",
        )
        if mail.enqueue_mail(
            person=person,
            schluessel=f"{WOCHE_PREFIX}{jahr}-W{woche:02d}:{person.pk}",
            inhalt=inhalt,
            arten=arten
            + ([Mailart.AUFGABEN] if aufgaben_an else [])
            + ([Mailart.LOESUNGEN] if loesungen_an else []),
        ):
            gesendet += 1
    return gesendet
