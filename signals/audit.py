"""What the audit log needs to know of signals and persons (registered in `SignalsConfig`)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from signals.models import Person, Signal


def person_entries_match(person_id) -> Q:
    """Which audit entries are about a person: the person row, their signals, and every
    object that belongs to one of those signals (attachments, contributions, assessments,
    votes' items, decisions …: any model with a `signal` foreign key)."""
    signal_ids = list(
        Signal.objects.filter(person_id=person_id).values_list("pk", flat=True)
    )
    match = Q(content_type=ContentType.objects.get_for_model(Person),
              object_pk=str(person_id))
    match |= Q(content_type=ContentType.objects.get_for_model(Signal),
               object_pk__in=[str(pk) for pk in signal_ids])
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields()
                      if f.name == "signal" and getattr(f, "related_model", None) is Signal
                      and f.many_to_one), None)
        if field is None:
            continue
        pks = model.objects.filter(signal_id__in=signal_ids).values_list("pk", flat=True)
        match |= Q(content_type=ContentType.objects.get_for_model(model),
                   object_pk__in=[str(pk) for pk in pks])
    return match
