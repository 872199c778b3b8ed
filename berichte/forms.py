"""Forms of the report pages: request a report, lift the freeze of a quarter."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.quartal import Quartal
from kommunen.models import Kreis
from kommunen.scope import scope_for

from .logo import check_logo
from .models import Quartalsbericht

# Quarters offered: the last eight complete ones. Not the running one: requesting a report
# freezes the quarter's Statusmeldungen, and the CDOs could no longer submit theirs.
ANZAHL_QUARTALE = 8
MELDUNG_NICHT_ABGESCHLOSSEN = (
    "Das {label} ist noch nicht abgeschlossen. Ein Bericht würde die Statusmeldungen des "
    "Quartals sperren, bevor alle Kommunen gemeldet haben; bitte wählen Sie ein "
    "abgeschlossenes Quartal."
)


def quartal_auswahl() -> list[tuple[str, str]]:
    aktuell = Quartal.current()
    return [
        (str(q), q.label)
        for q in (aktuell.previous(schritt) for schritt in range(1, ANZAHL_QUARTALE + 1))
    ]


class QuartalAuswahlField(forms.ChoiceField):
    """A complete quarter from the list; the running or a future one gets its own reason."""

    def validate(self, value):
        try:
            quartal = Quartal.parse(value) if value else None
        except ValidationError:
            quartal = None
        if quartal is not None and quartal >= Quartal.current():
            raise ValidationError(
                MELDUNG_NICHT_ABGESCHLOSSEN.format(label=quartal.label), code="laufend"
            )
        super().validate(value)


def requestable_kreise(user):
    """The Kreise the user may request reports for: where they are Kreis staff."""
    if user.is_superuser:
        return Kreis.objects.order_by("name")
    return Kreis.objects.filter(ags__in=scope_for(user).kreis_ids).order_by("name")


class BerichtRequestForm(forms.Form):
    """Kreis staff: which Kreis (when they serve several), which quarter, which PDF variant,
    with or without the Steckbriefe appendix."""

    kreis = forms.ModelChoiceField(
        label="Kreis",
        queryset=Kreis.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Für diesen Kreis können Sie keinen Bericht anfordern."},
    )
    quartal = QuartalAuswahlField(
        label="Quartal",
        help_text=(
            "Nur abgeschlossene Quartale; vorausgewählt ist das letzte abgeschlossene Quartal."
        ),
        error_messages={"invalid_choice": "Bitte wählen Sie ein Quartal aus der Liste."},
    )
    variante = forms.ChoiceField(
        label="PDF-Variante",
        choices=Quartalsbericht.Variante.choices,
        initial=Quartalsbericht.Variante.PDF_UA,
        widget=forms.RadioSelect,
    )
    mit_steckbriefen = forms.BooleanField(
        label="Steckbriefe der Kommunen anhängen",
        help_text="Eine Seite je Kommune mit ihren Maßnahmen, OZG-Leistungen und Fördermitteln.",
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].queryset = requestable_kreise(user)
        self.fields["quartal"].choices = quartal_auswahl()
        self.fields["quartal"].initial = str(Quartal.last_complete())
        if len(self.fields["kreis"].queryset) == 1:
            self.fields["kreis"].initial = self.fields["kreis"].queryset[0]
            self.fields["kreis"].widget = forms.HiddenInput()

    def clean_quartal(self) -> Quartal:
        try:
            return Quartal.parse(self.cleaned_data["quartal"])
        except ValidationError as error:
            raise ValidationError("Bitte wählen Sie ein Quartal aus der Liste.") from error


class AbschlussLiftForm(forms.Form):
    aufhebungsgrund = forms.CharField(
        label="Grund der Aufhebung",
        help_text="Der Grund wird mit Ihrem Namen und der Uhrzeit festgehalten.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Bitte geben Sie einen Grund an."},
    )

    def clean_aufhebungsgrund(self) -> str:
        grund = self.cleaned_data["aufhebungsgrund"].strip()
        if not grund:
            raise ValidationError("Bitte geben Sie einen Grund an.")
        return grund


class LogoForm(forms.Form):
    """Kreis staff: the logo on the cover of their Kreis's reports, or none."""

    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text=(
            "PNG oder SVG, höchstens 2 MB. Ein SVG darf nur Formen und Text enthalten: keine "
            "Skripte, Animationen oder Verweise auf andere Dateien."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
    )
    entfernen = forms.BooleanField(label="Logo entfernen", required=False)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            check_logo(logo)
        return logo

    def clean(self):
        daten = super().clean()
        if not daten.get("logo") and not daten.get("entfernen") and not self.errors:
            raise ValidationError(
                {"logo": "Bitte wählen Sie eine Datei aus oder entfernen Sie das Logo."}
            )
        return daten
