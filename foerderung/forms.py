"""Forms for Förderbescheide, Mittelabrufe and Bescheid documents."""

from __future__ import annotations

import hashlib
import os
import uuid
from decimal import Decimal

from django import forms

from core.files import ERLAUBTE_DATEITYPEN, validate_upload
from core.formatting import euro, zahl
from core.locking import VersionFormMixin, compare
from core.money import EuroField, ProzentField
from kommunen.models import Kommune, Kreis
from kommunen.scope import scope_for
from massnahmen.models import Massnahme

from . import foerderregeln
from .models import BescheidDokument, Foerderbescheid, Foerderprogramm, Mittelabruf

EIN_CENT = Decimal("0.01")


class DatumInput(forms.DateInput):
    """A native date picker; it submits ISO dates whatever the browser's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def datumsfeld(form_field: forms.DateField) -> forms.DateField:
    form_field.widget = DatumInput()
    form_field.input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
    form_field.error_messages["invalid"] = "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."
    return form_field


def manageable_kreise(user):
    """The Kreise whose Förderbescheide the user may create (superusers: every Kreis)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Kreis.objects.all()
    return Kreis.objects.filter(ags__in=scope.kreis_ids)


class FoerderbescheidForm(VersionFormMixin, forms.ModelForm):
    """Create or edit a Förderbescheid. Shows the programme's maximum as a warning only.

    The Kreis comes from the view: the one Kreis of the Kreis staff, or a choice for
    people who manage several (and for superusers).
    """

    bewilligter_betrag = EuroField(
        label="bewilligter Betrag",
        min_value=EIN_CENT,
        help_text="in Euro, z. B. 245.000,00",
    )
    foerderquote = ProzentField(
        label="Förderquote",
        min_value=EIN_CENT,
        max_value=Decimal("100"),
        help_text="in Prozent der zuwendungsfähigen Ausgaben, z. B. 90",
    )

    class Meta:
        model = Foerderbescheid
        fields = [
            "kreis",
            "programm",
            "aktenzeichen",
            "bescheiddatum",
            "status",
            "zuwendungsempfaenger",
            "partner",
            "bewilligter_betrag",
            "foerderquote",
            "bewilligungszeitraum_beginn",
            "bewilligungszeitraum_ende",
            "verwendungsnachweis_faellig",
            "zweck",
            "massnahmen",
        ]
        labels = {
            "zuwendungsempfaenger": "Zuwendungsempfänger (federführende Kommune)",
            "partner": "Partnerkommunen",
            "massnahmen": "geförderte Maßnahmen",
        }
        help_texts = {
            "partner": "Die weiteren beteiligten Kommunen, ohne den Zuwendungsempfänger.",
            "massnahmen": "Mehrfachauswahl mit gedrückter Strg-Taste (Mac: Cmd).",
            "verwendungsnachweis_faellig": "Das Portal erinnert rechtzeitig an die Frist.",
        }
        widgets = {
            "partner": forms.CheckboxSelectMultiple,
            "zweck": forms.Textarea(attrs={"rows": 5}),
            "massnahmen": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, kreis: Kreis | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            kreis = self.instance.kreis
        self.fester_kreis = kreis
        if kreis is not None:
            # The Kreis is given (edit, or a person who manages exactly one Kreis).
            del self.fields["kreis"]
            self.instance.kreis = kreis
            kreis_ids = [kreis.pk]
        else:
            kreise = manageable_kreise(user)
            self.fields["kreis"].queryset = kreise
            self.fields["kreis"].empty_label = "Bitte wählen"
            kreis_ids = list(kreise.values_list("ags", flat=True))
        kommunen = Kommune.objects.filter(kreis_id__in=kreis_ids).order_by("name")
        self.fields["zuwendungsempfaenger"].queryset = kommunen
        self.fields["zuwendungsempfaenger"].empty_label = "Bitte wählen"
        self.fields["partner"].queryset = kommunen
        self.fields["massnahmen"].queryset = Massnahme.objects.filter(
            kreis_id__in=kreis_ids
        ).order_by("titel")
        self.fields["programm"].queryset = Foerderprogramm.objects.order_by("kurzname")
        self.fields["programm"].empty_label = "Bitte wählen"
        for name in (
            "bescheiddatum",
            "bewilligungszeitraum_beginn",
            "bewilligungszeitraum_ende",
            "verwendungsnachweis_faellig",
        ):
            datumsfeld(self.fields[name])

    def existing_record(self):
        """A double click on "Speichern" of a new Bescheid: the Bescheid the first click
        stored, if it holds exactly this input (else the Aktenzeichen is taken: a German
        error at the field)."""
        vorhanden = (
            Foerderbescheid.objects.filter(
                kreis_id=self.instance.kreis_id,
                programm_id=self.instance.programm_id,
                aktenzeichen=self.instance.aktenzeichen,
            )
            .order_by()
            .first()
        )
        return vorhanden if vorhanden is not None and not compare(self, vorhanden) else None

    def clean_foerderquote(self):
        # Checked here (not only in the model) to name the limit German style: the own
        # share (Eigenanteil) follows from it, e.g. at least 10 % under IKZ NRW.
        quote = self.cleaned_data["foerderquote"]
        programm = self.cleaned_data.get("programm")
        if programm is not None and quote > programm.max_foerderquote:
            grenze = programm.max_foerderquote
            stellen = 0 if grenze == grenze.to_integral() else 2
            raise forms.ValidationError(
                f"Das Programm {programm.kurzname} erlaubt höchstens {zahl(grenze, stellen)} % "
                f"(Eigenanteil mindestens {zahl(100 - grenze, stellen)} %)."
            )
        return quote

    def clean(self):
        cleaned = super().clean()
        kreis = self.fester_kreis or cleaned.get("kreis")
        empfaenger = cleaned.get("zuwendungsempfaenger")
        partner = cleaned.get("partner")
        if empfaenger is not None and partner is not None and empfaenger in partner:
            self.add_error(
                "partner",
                "Der Zuwendungsempfänger ist bereits beteiligt; "
                "bitte wählen Sie ihn nicht zusätzlich als Partner.",
            )
        programm = cleaned.get("programm")
        if programm is not None and partner is not None and "partner" not in self.errors:
            fehler = foerderregeln.pruefen(
                programm=programm,
                anzahl_partner=len(partner),
                bewilligter_betrag=None,
                foerderquote=None,
            ).fehler
            if fehler:
                self.add_error("partner", fehler)
        if kreis is not None:
            if partner is not None and any(k.kreis_id != kreis.pk for k in partner):
                self.add_error("partner", "Alle Partnerkommunen müssen zum Kreis gehören.")
            massnahmen = cleaned.get("massnahmen")
            if massnahmen is not None and any(m.kreis_id != kreis.pk for m in massnahmen):
                self.add_error("massnahmen", "Alle Maßnahmen müssen zum Kreis gehören.")
        return cleaned

    def regelpruefung(self) -> foerderregeln.Regelpruefung | None:
        """The amount rule for the values as entered (bound) or as stored (unbound edit)."""
        if self.is_bound:
            daten = getattr(self, "cleaned_data", None)
            if daten is None:
                return None
            return foerderregeln.pruefen(
                programm=daten.get("programm"),
                anzahl_partner=len(daten.get("partner") or []),
                bewilligter_betrag=daten.get("bewilligter_betrag"),
                foerderquote=daten.get("foerderquote"),
            )
        if self.instance.pk:
            return foerderregeln.for_bescheid(self.instance)
        return None


def _hinweis_schluessel(hinweise: list[str]) -> str:
    return hashlib.sha256("\n".join(hinweise).encode()).hexdigest()[:16]


class MittelabrufForm(forms.ModelForm):
    """Record or edit a drawdown of the Bescheid given by the view.

    Never more than what remains (checked again by the service under the Bescheid lock).
    A date outside the Bewilligungszeitraum or after the Verwendungsnachweis deadline is
    possible but must be confirmed: the form is refused once with the warnings and a
    checkbox, and accepted when the checkbox confirms exactly those warnings. Hidden
    fields carry the version an edit form showed (optimistic locking) and the key of a
    new drawdown form (a second post of it records nothing).
    """

    betrag = EuroField(label="Betrag", min_value=EIN_CENT, help_text="in Euro, z. B. 12.500,00")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    erfassungsschluessel = forms.UUIDField(widget=forms.HiddenInput, required=False)
    hinweise_bestaetigt = forms.BooleanField(
        label="Ich habe die Hinweise zum Datum geprüft und möchte den Mittelabruf trotzdem "
        "speichern.",
        required=False,
    )
    bestaetigte_hinweise = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Mittelabruf
        fields = ["datum", "betrag", "status", "ausgezahlt_am", "bemerkung"]
        labels = {"datum": "Datum des Abrufs"}
        help_texts = {
            "ausgezahlt_am": "nur beim Status „ausgezahlt“",
            "bemerkung": "z. B. wofür die Mittel abgerufen werden",
        }

    def __init__(self, *args, bescheid: Foerderbescheid, **kwargs):
        super().__init__(*args, **kwargs)
        self.bescheid = bescheid
        self.instance.bescheid = bescheid
        datumsfeld(self.fields["datum"])
        datumsfeld(self.fields["ausgezahlt_am"])
        verbleibend = bescheid.verbleibend()
        if self.instance.pk:
            del self.fields["erfassungsschluessel"]
            self.fields["version"].initial = self.instance.version
            verbleibend += self.instance.betrag
            self.hinweise = [] if self.is_bound else self.instance.hinweise()
        else:
            del self.fields["version"]
            self.fields["erfassungsschluessel"].initial = uuid.uuid4()
            self.hinweise = []
        self.fields["bestaetigte_hinweise"].initial = _hinweis_schluessel(self.hinweise)
        self.fields[
            "betrag"
        ].help_text = f"in Euro, z. B. 12.500,00 – verbleibend: {euro(verbleibend)}"

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum < self.bescheid.bescheiddatum:
            raise forms.ValidationError(
                "Ein Mittelabruf kann nicht vor dem Bescheiddatum "
                f"({self.bescheid.bescheiddatum:%d.%m.%Y}) liegen."
            )
        return datum

    def clean(self):
        cleaned = super().clean()
        datum = cleaned.get("datum")
        self.hinweise = Mittelabruf(bescheid=self.bescheid, datum=datum).hinweise()
        if not self.hinweise:
            return cleaned
        schluessel = _hinweis_schluessel(self.hinweise)
        if cleaned.get("hinweise_bestaetigt") and cleaned.get("bestaetigte_hinweise") == (
            schluessel
        ):
            return cleaned
        # Show the checkbox unticked for the warnings as they are now.
        self.data = self.data.copy()
        self.data["bestaetigte_hinweise"] = schluessel
        self.data.pop(self.add_prefix("hinweise_bestaetigt"), None)
        self.add_error(
            "hinweise_bestaetigt",
            "Bitte bestätigen Sie die Hinweise zum Datum, wenn Sie den Mittelabruf so "
            "speichern möchten.",
        )
        return cleaned

    def werte(self) -> dict:
        """The drawdown's fields as entered, for the services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AuszahlungForm(forms.Form):
    """Mark a requested drawdown as paid out, with the day of the payout."""

    ausgezahlt_am = forms.DateField(label="ausgezahlt am")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, abruf: Mittelabruf, **kwargs):
        super().__init__(*args, **kwargs)
        self.abruf = abruf
        datumsfeld(self.fields["ausgezahlt_am"])
        self.fields["ausgezahlt_am"].error_messages["required"] = (
            "Bitte geben Sie an, wann die Mittel ausgezahlt wurden."
        )
        self.fields["version"].initial = abruf.version
        self.fields["version"].error_messages["required"] = (
            "Das Formular ist unvollständig. Bitte laden Sie die Seite neu."
        )


class BescheidDokumentForm(forms.ModelForm):
    """Upload a document (first of all the Bescheid as PDF) to a Förderbescheid."""

    class Meta:
        model = BescheidDokument
        fields = ["datei", "titel"]
        labels = {"titel": "Titel"}
        help_texts = {"titel": "Leer lassen, um den Dateinamen zu übernehmen."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        erlaubt = sorted(ERLAUBTE_DATEITYPEN)
        self.fields["datei"].widget.attrs["accept"] = ",".join(erlaubt)
        self.fields["datei"].help_text = (
            "Erlaubt: " + ", ".join(e.lstrip(".").upper() for e in erlaubt) + "; höchstens 20 MB."
        )
        self.fields["titel"].required = False

    def clean_datei(self):
        # Checked on the upload itself: it still knows the content type the browser sent,
        # which the model field's copy no longer carries.
        datei = self.cleaned_data.get("datei")
        if datei is not None:
            validate_upload(datei)
        return datei

    def clean(self):
        cleaned = super().clean()
        datei = cleaned.get("datei")
        if not cleaned.get("titel") and datei is not None:
            titel = os.path.splitext(os.path.basename(datei.name or ""))[0][:250]
            cleaned["titel"] = titel or "Dokument"
            self.instance.titel = cleaned["titel"]
        return cleaned
