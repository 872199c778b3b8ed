"""Forms for Maßnahmen, their Meilensteine, Statusmeldungen and documents."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory

from core.files import ERLAUBTE_DATEITYPEN, UploadsPruefenMixin
from core.money import EuroField
from handlungsfelder.models import Ziel
from kommunen.models import Kommune
from kommunen.scope import scope_for

from .models import Ampel, Anhang, Massnahme, Meilenstein, Statusmeldung

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MassnahmeForm(forms.ModelForm):
    """Create and edit a Maßnahme. The Kreis is set by the view; a CDO may only choose
    their own Kommune as lead, Kreis staff any Kommune of the Kreis or the Kreis itself."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    budget = EuroField(
        label="Budget (EUR)",
        required=False,
        min_value=Decimal("0"),
        help_text="In Euro, z. B. 12.500,00.",
    )

    class Meta:
        model = Massnahme
        fields = [
            "titel",
            "beschreibung",
            "handlungsfeld",
            "lebensbereiche",
            "ziel",
            "federfuehrend",
            "beteiligte",
            "status",
            "fortschritt",
            "ampel",
            "beginn",
            "ende_geplant",
            "ende_tatsaechlich",
            "budget",
            "veroeffentlicht",
        ]
        widgets = {
            "lebensbereiche": forms.CheckboxSelectMultiple,
            "beteiligte": forms.CheckboxSelectMultiple,
            "beginn": DATUM,
            "ende_geplant": DATUM,
            "ende_tatsaechlich": DATUM,
            "beschreibung": forms.Textarea(attrs={"rows": 5}),
            "fortschritt": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }
        help_texts = {
            "fortschritt": "Ganze Zahl von 0 bis 100.",
            "veroeffentlicht": "Titel, Beschreibung, Handlungsfeld und Fortschritt erscheinen "
            "auf der öffentlichen Transparenzseite.",
        }

    def __init__(self, *args, user, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.kreis = user, kreis
        self.instance.kreis = kreis
        scope = scope_for(user)
        kommunen = Kommune.objects.filter(kreis=kreis).order_by("name")
        lead = self.fields["federfuehrend"]
        if scope.is_superuser or scope.is_kreis_staff(kreis.pk):
            lead.queryset = kommunen
            lead.empty_label = f"{kreis} (Kreis selbst)"
        else:
            lead.queryset = kommunen.filter(pk__in=scope.cdo_kommune_ids)
            lead.required = True
            lead.empty_label = None
            lead.help_text = "Sie können Maßnahmen anlegen, die Ihre Kommune federführend leitet."
        self.fields["beteiligte"].queryset = kommunen
        self.fields["ziel"].queryset = Ziel.objects.filter(kreis=kreis).select_related(
            "handlungsfeld"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("federfuehrend")
        beteiligte = cleaned.get("beteiligte")
        if lead and beteiligte and lead in beteiligte:
            self.add_error(
                "beteiligte", "Die federführende Kommune ist nicht zusätzlich beteiligt."
            )
        return cleaned


class MeilensteinForm(forms.ModelForm):
    class Meta:
        model = Meilenstein
        fields = ["titel", "faellig_am", "erreicht_am"]
        widgets = {"faellig_am": DATUM, "erreicht_am": DATUM}


MeilensteinFormSet = inlineformset_factory(
    Massnahme,
    Meilenstein,
    form=MeilensteinForm,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class StatusmeldungForm(forms.ModelForm):
    """The quarter's Statusmeldung. Two hidden fields carry what the form was opened with
    (the Maßnahme's version, when the Statusmeldung was last saved), so a save notices what
    others saved since; unreadable values count as "unknown", never as a form error."""

    massnahme_version = forms.CharField(widget=forms.HiddenInput, required=False)
    meldung_stand = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ampel"].choices = Ampel.choices  # no empty radio button

    def clean_massnahme_version(self) -> int | None:
        wert = self.cleaned_data.get("massnahme_version") or ""
        return int(wert) if wert.isascii() and wert.isdigit() and len(wert) < 10 else None

    def clean_meldung_stand(self) -> str:
        return (self.cleaned_data.get("meldung_stand") or "")[:40]

    class Meta:
        model = Statusmeldung
        fields = ["fortschritt", "ampel", "erreicht", "naechste_schritte", "risiken"]
        widgets = {
            "fortschritt": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "ampel": forms.RadioSelect,
            "erreicht": forms.Textarea(attrs={"rows": 4}),
            "naechste_schritte": forms.Textarea(attrs={"rows": 3}),
            "risiken": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"fortschritt": "Ganze Zahl von 0 bis 100."}


class AnhangForm(UploadsPruefenMixin, forms.ModelForm):
    class Meta:
        model = Anhang
        fields = ["titel", "art", "datei"]
        help_texts = {
            "datei": "Erlaubt: "
            + ", ".join(sorted({e.lstrip(".").upper() for e in ERLAUBTE_DATEITYPEN}))
            + "; höchstens 20 MB."
        }
