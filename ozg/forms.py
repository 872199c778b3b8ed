"""Forms for rating a Kommune's OZG service: inline in the matrix cell, or as a full page."""

from __future__ import annotations

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from core.locking import VersionFormMixin
from kommunen.models import Kommune

from .models import MAX_STUFE, ONLINE_AB, Reifegradmodell, Umsetzungsstand

NEUES_MODELL = Reifegradmodell.V2_0
HOECHSTE_STUFE = MAX_STUFE[NEUES_MODELL]


class ReifegradForm(VersionFormMixin, forms.ModelForm):
    """Only the Reifegrad; every new rating is made under the OZG-Reifegradmodell 2.0.

    An older 1.1 rating is not carried over as if it were a 2.0 level (the scales differ):
    the field then starts empty and the old value is named in the help text.
    """

    reifegrad = forms.IntegerField(
        label="Reifegrad",
        min_value=0,
        max_value=HOECHSTE_STUFE,
        error_messages={
            "required": f"Bitte geben Sie eine Stufe von 0 bis {HOECHSTE_STUFE} an.",
            "invalid": f"Bitte geben Sie eine ganze Zahl von 0 bis {HOECHSTE_STUFE} an.",
            "min_value": f"Die Stufe liegt zwischen 0 und {HOECHSTE_STUFE}.",
            "max_value": (f"Das OZG-Reifegradmodell 2.0 kennt die Stufen 0 bis {HOECHSTE_STUFE}."),
        },
    )

    class Meta:
        model = Umsetzungsstand
        fields = ["reifegrad"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        stand = self.instance
        hilfe = (
            f"OZG-Reifegradmodell 2.0: Stufe 0 bis {HOECHSTE_STUFE}, "
            f"online ab Stufe {ONLINE_AB[NEUES_MODELL]}."
        )
        if stand.pk and stand.reifegradmodell != NEUES_MODELL:
            hilfe += (
                f" Bisher bewertet nach Modell {stand.reifegradmodell} mit Stufe "
                f"{stand.reifegrad}; bitte nach Modell 2.0 neu einstufen."
            )
            if not self.is_bound:
                self.initial["reifegrad"] = None
        self.fields["reifegrad"].help_text = hilfe
        # Validated (model clean, check constraint) under the model the rating is saved in.
        stand.reifegradmodell = NEUES_MODELL

    def save(self, commit: bool = True) -> Umsetzungsstand:
        stand = self.instance
        stand.reifegradmodell = NEUES_MODELL
        stand.bewertet_am = timezone.localdate()
        if self.user is not None and self.user.is_authenticated:
            stand.bewertet_von = self.user
        return super().save(commit)

    def existing_record(self) -> Umsetzungsstand | None:
        # The cell's rating that someone else created while this form was open.
        return Umsetzungsstand.objects.filter(
            leistung_id=self.instance.leistung_id, kommune_id=self.instance.kommune_id
        ).first()


class UmsetzungsstandForm(ReifegradForm):
    """The full rating (page without JavaScript): also since when, where, and reuse."""

    link = forms.URLField(
        label="Link zum Onlinedienst", required=False, assume_scheme="https", max_length=200
    )

    class Meta(ReifegradForm.Meta):
        fields = ["reifegrad", "online_seit", "link", "nachgenutzt_von"]
        widgets = {
            "online_seit": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kommune = self.instance.kommune
        # A solution reused from another Kommune of the region (issue 15, point 1; not the
        # Kommune itself), those of the own Kreis first, the others named with their Kreis.
        quelle = self.fields["nachgenutzt_von"]
        quelle.queryset = (
            Kommune.objects.filter(kreis__region__kreise__ags=kommune.kreis_id)
            .exclude(pk=kommune.pk)
            .select_related("kreis")
            .annotate(fremd=ExpressionWrapper(~Q(kreis_id=kommune.kreis_id), BooleanField()))
            .order_by("fremd", "kreis__name", "name")
        )
        quelle.label_from_instance = lambda k: (
            k.name if k.kreis_id == kommune.kreis_id else f"{k.name} ({k.kreis})"
        )
        self.fields["nachgenutzt_von"].empty_label = "keine Nachnutzung"
        self.fields["link"].widget.attrs["placeholder"] = "https://…"
