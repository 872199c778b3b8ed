"""Personal data of one person: export as JSON (Art. 15 DSGVO) and deletion by
pseudonymisation (Art. 17 DSGVO) without breaking the change history.

`core` knows no domain model, so the data is found through the model graph: every row of
every installed model with a foreign key to the user model (history tables included, whose
`history_user` and copied keys point there too) belongs to the export. What only an app
knows is done by hooks: an installed app may have a module `<app>/privacy.py` with

- `export(user) -> dict` — extra sections for the export (e.g. data not linked by a key),
- `pseudonymisieren(user) -> None` — what deleting the person means there (end the
  memberships, revoke a calendar token, ...),

called in INSTALLED_APPS order, like the `reference` and `demo` hooks of the management
commands. The user row itself is kept (so history, authorship and the audit log keep their
references) but carries no personal data any more.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Replace
from django.utils import timezone

from core.management.commands.load_reference_data import find_hooks

HOOK_MODULE = "privacy"
PSEUDONYM = "Gelöschte Person"
# Credentials are never exported, not even to the person's own file.
GEHEIM = {"password", "token", "secret", "session_key", "session_data", "key", "code"}
GEHEIM_JE_MODELL = {"mfa.authenticator": {"data"}}
# Rows that are the person's account itself and go with the pseudonymisation.
KONTO_MODELLE = ("account.emailaddress", "mfa.authenticator", "socialaccount.socialaccount")


def _hooks(name: str):
    # This module is core's own `privacy` module: it is the caller, not a hook.
    return [(label, hook) for label, hook in find_hooks(HOOK_MODULE, name) if label != "core"]


def _user_model():
    return get_user_model()


def related_fields() -> list[tuple[type[models.Model], models.Field]]:
    """(model, field) for every foreign key or one-to-one field pointing at the user model,
    in every installed app (history tables included)."""
    user_model = _user_model()
    felder = []
    for model in apps.get_models():
        if model is user_model:
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is user_model:
                felder.append((model, f))
    return felder


def _without_secrets(label: str, werte: dict) -> dict:
    verboten = GEHEIM | GEHEIM_JE_MODELL.get(label, set())
    return {k: v for k, v in werte.items() if k not in verboten}


def _rows(queryset) -> list[dict]:
    label = queryset.model._meta.label_lower
    return [
        {"pk": row["pk"], **_without_secrets(label, row["fields"])}
        for row in serializers.serialize("python", queryset)
    ]


def personendaten(user) -> dict[str, Any]:
    """Everything the portal stores about `user`, as a JSON-serialisable dict."""
    user_model = _user_model()
    person = _rows(user_model._base_manager.filter(pk=user.pk))[0]
    person.pop("user_permissions", None)
    daten: dict[str, dict[str, list]] = {}
    for model, feld in related_fields():
        queryset = model._base_manager.filter(**{feld.attname: user.pk}).order_by("pk")
        zeilen = _rows(queryset)
        if zeilen:
            abschnitt = daten.setdefault(f"{model._meta.label} ({model._meta.verbose_name})", {})
            abschnitt[feld.name] = zeilen
    ergebnis: dict[str, Any] = {
        "exportiert_am": timezone.now(),
        "person": person,
        "verknuepfte_daten": daten,
    }
    for label, export in _hooks("export"):
        ergebnis[label] = export(user)
    return ergebnis


def personendaten_json(user) -> str:
    return json.dumps(personendaten(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _end_sessions(user) -> int:
    """Delete the person's sessions (Django stores the user id inside the session data)."""
    ids = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    # Through the SessionStore: with cached_db sessions (settings) the cache holds a copy.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in ids:
        store(session_key=session_key).delete()
    return len(ids)


def _replace_address(alt: str, neu: str, user) -> None:
    """Replace the old address in every text of the rows linked to the person (e.g. the
    details of an audit log entry) and forget their IP addresses."""
    if not alt:
        return
    for model, feld in related_fields():
        zeilen = model._base_manager.filter(**{feld.attname: user.pk})
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField) and not f.choices:
                zeilen.filter(**{f"{f.attname}__icontains": alt}).update(
                    **{f.attname: Replace(f.attname, models.Value(alt), models.Value(neu))}
                )
            elif isinstance(f, models.GenericIPAddressField) and f.null:
                zeilen.exclude(**{f.attname: None}).update(**{f.attname: None})


@transaction.atomic
def pseudonymisieren(user) -> None:
    """Delete the person's personal data but keep the row: name and e-mail become
    "Gelöschte Person #<id>", no password, inactive, no rights; e-mail addresses, second
    factors and sessions are removed; the apps end the rest (memberships, tokens)."""
    alt = user.email
    neu = f"geloescht-{user.pk}@geloescht.invalid"
    _end_sessions(user)
    for _label, hook in _hooks("pseudonymisieren"):
        hook(user)
    _replace_address(alt, neu, user)
    user.first_name = PSEUDONYM
    user.last_name = f"#{user.pk}"
    user.email = neu
    for name in ("funktion", "telefon"):
        if hasattr(user, name):
            setattr(user, name, "")
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # After saving: core.signals keeps an EmailAddress in step with the user's address.
    for label in KONTO_MODELLE:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._base_manager.filter(user_id=user.pk).delete()


def is_pseudonymised(user) -> bool:
    return user.first_name == PSEUDONYM and user.email.endswith("@geloescht.invalid")


def dateiname(user) -> str:
    return f"personendaten-{user.pk}-{dt.date.today():%Y-%m-%d}.json"
