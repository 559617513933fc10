"""Race-safe numbering (case references, application references, letter numbers)."""

from django.db import IntegrityError, transaction
from django.db.models import F


def next_in_sequence(model, **key) -> int:
    """Increment and return the ``last_value`` of the counter row of ``model`` identified by ``key``.

    The row is created on first use (retrying if two transactions create it at
    once) and stays locked by the UPDATE until the caller's transaction ends, so
    concurrent callers are numbered one after the other, without gaps from
    rolled-back attempts leaking into committed numbers.
    """
    for _ in range(3):
        try:
            with transaction.atomic():
                model.objects.get_or_create(**key)
            break
        except IntegrityError:
            continue
    model.objects.filter(**key).update(last_value=F("last_value") + 1)
    return model.objects.get(**key).last_value
