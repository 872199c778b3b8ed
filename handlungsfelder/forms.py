"""Forms of the strategy: Ziele, Kennzahlen and measured values (German number notation)."""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, transaction

from core.locking import VersionFormMixin, pruefen
from core.money import DeutscheZahlField
from core.quartal import Quartal
from kommunen.models import Kommune

from .models import Handlungsfeld, Kennzahl, KennzahlWert, Ziel
from .quellen import QUELLEN
from .rules import recordable_kommunen
from .services import quartale_between

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KennzahlZahlField(DeutscheZahlField):
    """A value of a Kennzahl: `12,5`, `1.234,5`, `12,5 %` (at most two decimals)."""

    einheiten = ("%", "€", "EUR")
    beispiel = "1.234,5"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        super().__init__(**kwargs)
        self.fehler_zu_gross = "Der Wert ist zu groß (höchstens 12 Stellen vor dem Komma)."


class ZielForm(VersionFormMixin, forms.ModelForm):
    """A Ziel of the Kreis set by the view."""

    class Meta:
        model = Ziel
        fields = ["handlungsfeld", "titel", "beschreibung", "veroeffentlicht"]
        widgets = {"beschreibung": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "veroeffentlicht": "Das Ziel und seine Kennzahlen erscheinen auf der öffentlichen "
            "Strategieseite (ohne Angaben zu Personen).",
        }

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kreis = kreis
        self.fields["handlungsfeld"].queryset = Handlungsfeld.objects.order_by("nummer")
        self.fields["handlungsfeld"].empty_label = "Bitte wählen"


class KennzahlForm(VersionFormMixin, forms.ModelForm):
    """A Kennzahl of a Ziel: unit from the fixed list or free text, baseline before target."""

    basiswert = KennzahlZahlField(label="Ausgangswert", help_text="Zum Beispiel 12,5.")
    zielwert = KennzahlZahlField(label="Zielwert", help_text="Zum Beispiel 1.234,5.")

    class Meta:
        model = Kennzahl
        fields = [
            "name",
            "einheit",
            "einheit_freitext",
            "richtung",
            "ebene",
            "quelle",
            "basiswert",
            "basisdatum",
            "zielwert",
            "zieldatum",
        ]
        widgets = {
            "richtung": forms.RadioSelect,
            "ebene": forms.RadioSelect,
            "basisdatum": DATUM,
            "zieldatum": DATUM,
        }
        help_texts = {
            "einheit_freitext": "Nur bei „andere (Freitext)“, z. B. „Nutzerkonten“.",
            "quelle": "Abgeleitete Kennzahlen berechnet das Portal je Quartal aus den "
            "Maßnahmen, Förderbescheiden oder OZG-Umsetzungsständen; sie werden nicht "
            "eingegeben.",
            "zieldatum": "Muss nach dem Stand des Ausgangswerts liegen.",
        }

    def __init__(self, *args, ziel, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ziel = ziel
        # Only sources whose app is installed and registered can be chosen.
        self.fields["quelle"].choices = [
            (wert, text)
            for wert, text in Kennzahl.Quelle.choices
            if wert == Kennzahl.Quelle.MANUELL or wert in QUELLEN
        ]

    def clean_einheit_freitext(self):
        return (self.cleaned_data.get("einheit_freitext") or "").strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("einheit") != Kennzahl.Einheit.FREI:
            cleaned["einheit_freitext"] = ""
            self.instance.einheit_freitext = ""
        k = self.instance
        if k.pk and k.werte.exists():
            for feld, text in [
                ("ebene", "die Messebene"),
                ("quelle", "die Quelle der Werte"),
            ]:
                if feld in self.changed_data:
                    self.add_error(
                        feld,
                        f"Es sind schon Werte erfasst; {text} kann nicht mehr geändert werden.",
                    )
        return cleaned


class KennzahlWertForm(VersionFormMixin, forms.Form):
    """A measured value for one quarter (and one Kommune, for Kennzahlen per Kommune).

    An existing value of the same quarter and Kommune is replaced (a correction)."""

    quartal = forms.ChoiceField(label="Quartal")
    kommune = forms.ModelChoiceField(label="Kommune", queryset=Kommune.objects.none())
    wert = KennzahlZahlField(label="Wert", help_text="Zum Beispiel 12,5 oder 1.234,5.")

    def __init__(self, *args, kennzahl: Kennzahl, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kennzahl, self.user = kennzahl, user
        aktuell = Quartal.current()
        von = max(Quartal.from_date(kennzahl.basisdatum), aktuell.previous(11))
        # Newest first; a baseline in the future still allows the current quarter.
        quartale = list(reversed(quartale_between(von, aktuell))) or [aktuell]
        self.fields["quartal"].choices = [(str(q), q.label) for q in quartale]
        self.fields["quartal"].initial = str(aktuell.previous() if len(quartale) > 1 else aktuell)
        einheit = kennzahl.einheit_display
        if einheit and einheit != Kennzahl.Einheit.ANZAHL:
            self.fields["wert"].label = f"Wert in {einheit}"
        if kennzahl.ebene == Kennzahl.Ebene.KOMMUNE:
            kommunen = Kommune.objects.filter(kreis_id=kennzahl.ziel.kreis_id).order_by("name")
            erlaubt = recordable_kommunen(user, kennzahl)
            if erlaubt is not None:
                kommunen = kommunen.filter(pk__in=erlaubt)
            feld = self.fields["kommune"]
            feld.queryset = kommunen
            if len(erlaubt or []) == 1:
                feld.initial = erlaubt[0]
                feld.empty_label = None
            else:
                feld.empty_label = "Bitte wählen"
        else:
            del self.fields["kommune"]

    def clean(self):
        cleaned = super().clean()
        if self.kennzahl.is_derived:
            raise forms.ValidationError(
                "Diese Kennzahl wird aus den Daten des Portals berechnet; "
                "Werte können nicht eingegeben werden.",
                code="abgeleitet",
            )
        quartal = cleaned.get("quartal")
        # Reverse relation of massnahmen.Quartalsabschluss: a quarter frozen for the report
        # keeps its values (no import upwards).
        abschluesse = getattr(self.kennzahl.ziel.kreis, "quartalsabschluesse", None)
        if (
            quartal
            and abschluesse is not None
            and abschluesse.filter(aufgehoben_am__isnull=True, quartal=quartal).exists()
        ):
            self.add_error(
                "quartal",
                "Dieses Quartal ist für den Bericht abgeschlossen; "
                "seine Werte können nicht mehr geändert werden.",
            )
        return cleaned

    def save_wert(self) -> KennzahlWert:
        """Store the value, or replace the stored one of the same quarter (and Kommune).

        Replacing needs the stored value's version in the form (core.locking): a value
        someone else entered after the form was shown, or one the form did not show, is
        answered with Konflikt (stored value beside the input), never silently replaced.
        """
        schluessel = {
            "kennzahl": self.kennzahl,
            "quartal": self.cleaned_data["quartal"],
            "kommune": self.cleaned_data.get("kommune"),
        }
        with transaction.atomic():
            vorhanden = (
                KennzahlWert.objects.select_for_update().filter(**schluessel).order_by().first()
            )
            if vorhanden is None:
                try:
                    with transaction.atomic():
                        return KennzahlWert.objects.create(
                            **schluessel, wert=self.cleaned_data["wert"], erfasst_von=self.user
                        )
                except IntegrityError:
                    # Entered by someone else at the same moment.
                    vorhanden = KennzahlWert.objects.filter(**schluessel).first()
                    pruefen(self, vorhanden, None)
                    return vorhanden
            pruefen(self, vorhanden, self.cleaned_data.get("version"))
            vorhanden.wert = self.cleaned_data["wert"]
            vorhanden.erfasst_von = self.user
            vorhanden.save()
            return vorhanden
