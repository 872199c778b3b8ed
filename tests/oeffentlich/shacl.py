"""Validate RDF with pyshacl against the vendored DCAT-AP 3.0 and DCAT-AP.de 3.0 shapes.

Which files, from where, under which licence: tests/data/shacl/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

SHACL_DIR = Path(__file__).resolve().parent.parent / "data" / "shacl"
SH = Namespace("http://www.w3.org/ns/shacl#")

# The validator profile "DCAT-AP.de 3.0 – Deutsche Spezifikation" of GovData
# (validator/resources/config.properties, v30_de_spec): the SEMIC shapes, then the German ones.
SHAPES = [
    "dcat-ap-3.0.0-SHACL.ttl",
    "dcat-ap-de-3.0/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de-3.0/dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-controlledvocabularies.ttl",
    "dcat-ap-de-regeln.ttl",
]
# What dcat-ap-de-imports.ttl pulls in from the web, as far as the catalogue needs it: the
# ontologies (class hierarchy, pyshacl mixes them in) and the concepts of the controlled
# vocabularies (instance data, so they join the data graph as GovData's validator does).
ONTOLOGIEN = ["ontologien/vcard.ttl", "ontologien/foaf_0_1.rdf"]
VOKABULARE = "vokabulare-auszug.ttl"


@dataclass(frozen=True)
class Befund:
    schwere: str  # Violation, Warning, Info
    meldung: str
    knoten: str
    pfad: str

    def __str__(self) -> str:
        return f"{self.schwere}: {self.knoten} {self.pfad}: {self.meldung}"


@cache
def _shapes() -> Graph:
    g = Graph()
    for name in SHAPES:
        g.parse(SHACL_DIR / name)
    return g


@cache
def _ontologien() -> Graph:
    g = Graph()
    for name in ONTOLOGIEN:
        g.parse(SHACL_DIR / name)
    return g


@cache
def _vokabulare() -> Graph:
    return Graph().parse(SHACL_DIR / VOKABULARE)


def pruefen(daten: Graph) -> list[Befund]:
    """Every SHACL result (violations, warnings, infos) of the data graph."""
    _conforms, bericht, _text = validate(
        daten + _vokabulare(),
        shacl_graph=_shapes(),
        ont_graph=_ontologien(),
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
    )
    befunde = []
    for ergebnis in bericht.subjects(RDF.type, SH.ValidationResult):
        schwere = bericht.value(ergebnis, SH.resultSeverity)
        meldungen = [str(m) for m in bericht.objects(ergebnis, SH.resultMessage)]
        deutsch = [
            str(m) for m in bericht.objects(ergebnis, SH.resultMessage) if m.language == "de"
        ]
        befunde.append(
            Befund(
                schwere=str(schwere).rsplit("#", 1)[-1],
                meldung=(deutsch or meldungen or ["–"])[0],
                knoten=str(bericht.value(ergebnis, SH.focusNode)),
                pfad=str(bericht.value(ergebnis, SH.resultPath)),
            )
        )
    return sorted(befunde, key=str)
