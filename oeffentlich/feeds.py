"""Atom feeds of the public updates, per Kommune and per Kreis (issue 17, point 5).

An entry is one public update (`Statusmeldung.objects.oeffentlich()`): a Statusmeldung of a
public Maßnahme with a public summary; of it only the Maßnahme's title, the quarter, the
summary and its date are read. A Kommune's feed holds the Maßnahmen it leads or takes part
in, a Kreis's feed those of the Kreis. Like every /oeffentlich/ response the feeds carry
no cookie, are `Cache-Control: public` and get ETag and 304 from the middleware
(`Last-Modified` from the newest entry, set by Django's syndication view).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from core.eingaben import kreis_ags
from core.quartal import quartal_text
from kommunen.models import Kommune, Kreis
from massnahmen.models import Statusmeldung

EINTRAEGE = 50


class PortalAtomFeed(Atom1Feed):
    """Atom 1.0 whose <updated> of an empty feed is the day its Kommune or Kreis last
    changed, not the moment of the request: the same bytes until something changes, so
    the ETag holds."""

    def latest_post_date(self) -> dt.datetime:
        if self.items:
            return super().latest_post_date()
        return self.feed["leer_seit"]


class MeldungenFeed(Feed):
    """The public updates of one Kommune or one Kreis, newest first."""

    feed_type = PortalAtomFeed
    author_name = settings.PORTAL_NAME

    def meldungen(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return (
            self.meldungen(obj)
            .select_related("massnahme")
            .only(
                "quartal",
                "oeffentliche_zusammenfassung",
                "zusammenfassung_am",
                "massnahme__titel",
            )
            .order_by("-quartal", "-zusammenfassung_am", "-pk")[:EINTRAEGE]
        )

    def feed_guid(self, obj) -> str:
        return obj._feed_url

    def feed_url(self, obj) -> str:
        return obj._feed_url

    def feed_extra_kwargs(self, obj) -> dict:
        return {"leer_seit": obj.geaendert_am}

    def item_title(self, s: Statusmeldung) -> str:
        return f"{s.massnahme.titel}: Stand {quartal_text(s.quartal)}"

    def item_description(self, s: Statusmeldung) -> str:
        # Atom's summary is type="html": the plain text escaped, line breaks kept, so a feed
        # reader never runs markup someone typed into the summary.
        return linebreaksbr(escape(s.oeffentliche_zusammenfassung))

    def item_link(self, s: Statusmeldung) -> str:
        return reverse("oeffentlich:massnahme", kwargs={"pk": s.massnahme_id}) + (
            f"#meldung-{s.quartal}"
        )

    def item_pubdate(self, s: Statusmeldung) -> dt.datetime:
        return s.public_since

    def item_updateddate(self, s: Statusmeldung) -> dt.datetime:
        return s.public_since


class KommuneMeldungenFeed(MeldungenFeed):
    """/oeffentlich/meldungen/kommune/<slug>.atom"""

    def get_object(self, request, slug: str) -> Kommune:
        kommune = get_object_or_404(Kommune, slug=slug)
        kommune._feed_url = request.build_absolute_uri(request.path)
        return kommune

    def title(self, kommune: Kommune) -> str:
        return f"Digitalisierung {kommune.lokativ}: öffentliche Meldungen"

    def subtitle(self, kommune: Kommune) -> str:
        return (
            f"Quartalsmeldungen zu den öffentlichen Maßnahmen, die {kommune.nominativ} "
            "federführend leitet oder an denen sie beteiligt ist."
        )

    def link(self, kommune: Kommune) -> str:
        return reverse("oeffentlich:einbetten", kwargs={"slug": kommune.slug})

    def meldungen(self, kommune: Kommune):
        return (
            Statusmeldung.objects.oeffentlich()
            .filter(Q(massnahme__federfuehrend=kommune) | Q(massnahme__beteiligte=kommune))
            .distinct()
        )


class KreisMeldungenFeed(MeldungenFeed):
    """/oeffentlich/meldungen/kreis/<ags>.atom"""

    def get_object(self, request, ags: str) -> Kreis:
        kreis = get_object_or_404(Kreis, pk=kreis_ags(ags))
        kreis._feed_url = request.build_absolute_uri(request.path)
        return kreis

    def title(self, kreis: Kreis) -> str:
        return f"Digitalisierung {kreis.lokativ}: öffentliche Meldungen"

    def subtitle(self, kreis: Kreis) -> str:
        return f"Quartalsmeldungen zu den öffentlichen Maßnahmen {kreis.genitiv}."

    def link(self, kreis: Kreis) -> str:
        return reverse("oeffentlich:index") + f"?kreis={kreis.pk}"

    def meldungen(self, kreis: Kreis):
        return Statusmeldung.objects.oeffentlich().filter(massnahme__kreis=kreis)
