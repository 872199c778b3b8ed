"""`{% wer_hat_das_schon kommune %}`: the „Wer hat das schon?“ section for one Kommune, as
the page's viewer may see it (ozg.wer_hat_das_schon). A tag, so the Kommune's page in
the kommunen app shows it without importing upwards."""

from __future__ import annotations

from django import template

from ozg.models import ONLINE_AB, Reifegradmodell

from ..wer_hat_das_schon import wer_hat_das_schon as berechnen

register = template.Library()


@register.inclusion_tag("ozg/includes/wer_hat_das_schon.html", takes_context=True)
def wer_hat_das_schon(context, kommune):
    return {
        "kommune": kommune,
        "whds": berechnen(kommune, context["request"].user),
        "online_ab": ONLINE_AB[Reifegradmodell.V2_0],
    }
