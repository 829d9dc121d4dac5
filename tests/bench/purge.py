"""The purge of `make bench`: the data set's due signals (10 000) through the retention app's
real path — `retention.purge.purge_due(..., synchronous=True)`, one transaction per signal
with its tombstone, cascade and django-auditlog's entries, as `manage.py purge_expired` runs
it — in runs of RETENTION_MAX_PER_RUN signals, in a process of its own, so that the peak
memory measured is the purge's. BENCH_PURGE_SECONDS bounds the time spent: the
bench stops between runs and reports the rate of what it did, so that `make bench` keeps to its
time budget when the purge is slow.

Run: `python -m tests.bench.purge DATA.json RESULTS.json` (`tests.bench.run` does this).
"""

import json
import os
import resource
import sys
import time


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(data_path: str, out_path: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from retention.models import DeletedSignal, PurgeTrigger
    from retention.purge import purge_due

    with open(data_path) as handle:
        due = json.load(handle)["due"]
    budget = float(os.environ.get("BENCH_PURGE_SECONDS", "900"))
    batch = settings.RETENTION_MAX_PER_RUN
    baseline = peak_rss_mb()
    started = time.perf_counter()
    purged = selected = runs = 0
    while selected < due and time.perf_counter() - started < budget:
        report = purge_due(timezone.now(), limit=min(batch, due - selected),
                           trigger=PurgeTrigger.COMMAND, synchronous=True,
                           rewrite=False)  # the rate of deleting; the rewrite is separate
        if not report.selected:
            break
        runs += 1
        selected += len(report.selected)
        purged += DeletedSignal.objects.filter(purge_run=report.run).count()
    elapsed = time.perf_counter() - started
    result = {
        "due": due, "selected": selected, "purged": purged, "runs": runs,
        "seconds": round(elapsed, 1), "per_second": round(purged / elapsed, 1) if elapsed else 0,
        "peak_rss_mb": round(peak_rss_mb()), "rss_after_setup_mb": round(baseline),
        "stopped_at_budget": selected < due,
    }
    note = (f" (stopped at the time budget of {budget:.0f} s; the rate is that of the "
            f"{purged} purged)") if result["stopped_at_budget"] else ""
    print(f"bench: purge of due signals              {purged} of {due} purged in "
          f"{result['seconds']} s, {runs} runs of at most {batch}{note}", flush=True)
    print(f"bench: purge rate                        {result['per_second']} signals/s",
          flush=True)
    print(f"bench: purge peak memory                 {result['peak_rss_mb']} MB max RSS of "
          f"the purging process ({result['rss_after_setup_mb']} MB after start-up)",
          flush=True)
    with open(out_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
