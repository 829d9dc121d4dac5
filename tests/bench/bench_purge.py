"""Benchmark of the retention purge (issue 6): signals purged per second, and the peak memory
of the purging process, for N signals that are due.

    createdb -h 127.0.0.1 -U postgres weegploeg_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/weegploeg_bench \
        python -m tests.bench.bench_purge [--signals 10000]

It migrates the configured database, bulk-creates N due signals — each with its person, a
contribution, three permission rows and four audit entries (registration, person, contribution,
a read) — and purges them with `retention.purge.purge_due` in a fresh process, exactly as
`manage.py purge_expired` does (one transaction per signal: tombstone, cascade delete,
audit entries; files after commit). Not collected by pytest (the name
does not start with `test_`). The data are synthetic; the audit log is append-only, so use a
scratch database.
"""

import argparse
import os
import resource
import subprocess
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pga.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(count: int, tag: str) -> None:
    """Bulk-create `count` signals that are due today."""
    import datetime

    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from pga.models import AuditEntry, Partner, PartnerKind, RoleGroup, User, Weegploeg
    from pga.services import ensure_role_groups
    from signals.models import (
        Contribution,
        Person,
        Signal,
        SignalGroupObjectPermission,
        SignalStatus,
    )

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = today - datetime.timedelta(days=400)
    with transaction.atomic():
        politie = Partner.objects.create(kind=PartnerKind.POLITIE, name=f"Politie {tag}",
                                         code=f"politie-{tag}")
        om = Partner.objects.create(kind=PartnerKind.OM, name=f"OM {tag}", code=f"om-{tag}")
        weegploeg = Weegploeg.objects.create(name=f"Bench {tag}", code=f"b{tag}"[:20],
                                             politie=politie, om=om)
        gemeente = Partner.objects.create(kind=PartnerKind.GEMEENTE, name=f"Gemeente {tag}",
                                          code=f"gemeente-{tag}", weegploeg=weegploeg)
        for partner in (politie, om, gemeente):
            ensure_role_groups(partner)
        user = User.objects.create_user(f"bench-{tag}@example.nl", full_name="Bench")
        user.partner = gemeente
        user.save()
        groups = list(RoleGroup.objects.filter(partner__in=[politie, om, gemeente],
                                               role="member").values_list("group_id",
                                                                          flat=True))
        view = Permission.objects.get(codename="view_dossier")
        persons = Person.objects.bulk_create([
            Person(weegploeg=weegploeg, first_names=f"Voornaam{n}", surname=f"Achternaam{n}",
                   bsn=f"{900000000 + n:09d}", date_of_birth=datetime.date(2000, 1, 1),
                   normalised_name=f"voornaam{n} achternaam{n}")
            for n in range(count)
        ], batch_size=2000)
        signals = Signal.objects.bulk_create([
            Signal(reference=f"B{tag}-{n:06d}", weegploeg=weegploeg, person=person,
                   received_on=started, receiving_partner=gemeente, registered_by=user,
                   source_category="professional", phenomenon="other",
                   description=f"Beschrijving {n} van het gedrag van Achternaam{n}.",
                   behaviour_from=started, status=SignalStatus.DECIDED,
                   retention_basis="no_casusoverleg", retention_started_on=started,
                   deletion_due=today - datetime.timedelta(days=1))
            for n, person in enumerate(persons)
        ], batch_size=2000)
        contributions = Contribution.objects.bulk_create([
            Contribution(signal=signal, partner=politie, author=user, source="Bench",
                         information_date=started, content=f"Inbreng over {signal.reference}")
            for signal in signals
        ], batch_size=2000)
        SignalGroupObjectPermission.objects.bulk_create([
            SignalGroupObjectPermission(content_object=signal, group_id=group,
                                        permission=view)
            for signal in signals for group in groups
        ], batch_size=5000)
        from django.contrib.contenttypes.models import ContentType

        types = {model: ContentType.objects.get_for_model(model)
                 for model in (Signal, Person, Contribution)}
        now = timezone.now()

        def entry(model, pk, action, changes):
            return AuditEntry(content_type=types[model], object_pk=str(pk), object_id=pk,
                              object_repr=f"{model.__name__} {pk}", action=action,
                              changes=changes, actor=user, actor_email=user.email,
                              partner=gemeente, purpose="signaalregistratie", timestamp=now)

        entries = []
        for signal, contribution in zip(signals, contributions, strict=True):
            entries += [
                entry(Signal, signal.pk, AuditEntry.Action.CREATE,
                      {"description": ["None", signal.description]}),
                entry(Person, signal.person_id, AuditEntry.Action.CREATE,
                      {"surname": ["None", signal.person.surname]}),
                entry(Contribution, contribution.pk, AuditEntry.Action.CREATE,
                      {"content": ["None", contribution.content]}),
                entry(Signal, signal.pk, AuditEntry.Action.ACCESS, None),
            ]
        AuditEntry.objects.bulk_create(entries, batch_size=5000)
    print(f"Geladen: {count} te vernietigen signalen (kenmerk B{tag}).", flush=True)


def purge(count: int, tag: str) -> None:
    """Purge what is due, in this (fresh) process, and report rate and peak memory."""
    import gc

    from django.utils import timezone

    from retention.models import DeletedSignal, PurgeTrigger
    from retention.purge import purge_due
    from retention.selectors import due_signals
    from signals.models import Signal

    gc.collect()
    baseline = _rss_mb()
    started = time.perf_counter()
    # Everything due, not RETENTION_MAX_PER_RUN: the run itself is what is measured.
    due = due_signals(timezone.localdate()).count()
    report = purge_due(timezone.now(), limit=max(count, due), trigger=PurgeTrigger.COMMAND,
                       synchronous=True)
    elapsed = time.perf_counter() - started
    purged = DeletedSignal.objects.filter(purge_run=report.run).count()
    left = Signal.objects.filter(reference__startswith=f"B{tag}-").count()
    print(f"Vernietigd: {purged} van {len(report.selected)} geselecteerd "
          f"({left} van de benchsignalen over)")
    print(f"Tijd: {elapsed:.1f} s — {purged / elapsed:.1f} signalen per seconde")
    print(f"Geheugen (max RSS van het vernietigende proces): {_rss_mb():.0f} MB "
          f"(na opstarten {baseline:.0f} MB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=10_000)
    parser.add_argument("--phase", choices=["all", "load", "purge"], default="all")
    parser.add_argument("--tag", default=time.strftime("%H%M%S"))
    args = parser.parse_args(argv)
    if args.phase == "all":
        # Load and purge in separate processes: the purge's peak memory is its own.
        for phase in ("load", "purge"):
            subprocess.run([sys.executable, "-m", "tests.bench.bench_purge", "--phase", phase,
                            "--signals", str(args.signals), "--tag", args.tag], check=True)
        return
    _setup()
    (load if args.phase == "load" else purge)(args.signals, args.tag)


if __name__ == "__main__":
    main()
