"""Field shapes the models repeat: an optional foreign key, and "who did it"."""

from django.conf import settings
from django.db import models


def optional_fk(to, *, on_delete=models.SET_NULL, **kwargs) -> models.ForeignKey:
    """A foreign key that may stay empty (NULL in the database, not required in forms);
    by default it empties itself when the target is deleted."""
    return models.ForeignKey(to, null=True, blank=True, on_delete=on_delete, **kwargs)


def person_fk(verbose_name: str, **kwargs) -> models.ForeignKey:
    """The person who did something (uploaded, asked, rated): kept on the row as empty
    once the account is deleted, without a reverse accessor on the user."""
    kwargs.setdefault("related_name", "+")
    return optional_fk(settings.AUTH_USER_MODEL, verbose_name=verbose_name, **kwargs)
