"""`make bench` (issue 8): is the application fast enough for the whole country?

1. A fresh database `weegploeg_bench` on the configured server (DATABASE_URL, or the embedded
   PostgreSQL under var/), dropped and created anew, migrated with `manage.py migrate`.
   Its data are synthetic (see `tests.bench.data`): never point it at real data.
2. The national data set: 100 000 signals over 25 weegploegen with persons, assessments,
   votes, decisions, information requests, 2.4 million permission rows and 2 000 000 audit
   entries (`tests.bench.data`).
3. The pages, in-process through the whole middleware stack, each against its floor — the
   same rows from one hand-written query, rendered by a minimal template (`tests.bench.pages`,
   `tests.bench.floors`); a vote, the decision-record PDF and the statistics.
4. The purge of the 10 000 due signals in a process of its own (`tests.bench.purge`).
5. The targets (issue 17), one line each, and a summary line.

The whole run keeps within BENCH_BUDGET_SECONDS (default 24 minutes): the purge gets what is
left. Settings for the run: DEBUG off (as in production, so no query log in memory), tasks
eager, static files collected under var/bench/.
"""

import json
import os
import pathlib
import secrets
import subprocess
import sys
import time

from tests.load.run import fresh_database_url

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
DATABASE = "weegploeg_bench"
BUDGET = int(os.environ.get("BENCH_BUDGET_SECONDS", str(24 * 60)))

TARGET_RATIO, TARGET_P95_MS, TARGET_QUERIES = 2.5, 100.0, 15
TARGET_PDF_S, TARGET_PURGE_RATE, TARGET_PURGE_MB = 2.0, 50.0, 500
TARGET_AUDIT_P95_MS = 100.0


def step(*args, env):
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def targets(pages: list[dict], purge: dict) -> list[tuple[str, str, bool]]:
    """(target, value found, met) for each target (issue 17)."""
    from tests.bench.pages import AUDIT_SCREEN

    compared = [p for p in pages if p["floor_ms"]]
    worst_ratio = max(compared, key=lambda p: p["ratio"])
    worst_p95 = max(compared, key=lambda p: p["p95_ms"])
    shown = [p for p in pages if not p["name"].startswith(("cast a vote", "decision-record"))]
    most_queries = max(shown, key=lambda p: p["queries"])
    queue = pages[0]
    pdf = next(p for p in pages if p["name"].startswith("decision-record"))
    audit = next(p for p in pages if p["name"] == AUDIT_SCREEN)
    return [
        (f"queue and signal pages at most {TARGET_RATIO:g}x their floor",
         f"worst ratio {worst_ratio['ratio']:.2f} ({worst_ratio['name']})",
         worst_ratio["ratio"] <= TARGET_RATIO),
        (f"queue and signal pages p95 at most {TARGET_P95_MS:g} ms",
         f"worst p95 {worst_p95['p95_ms']:.1f} ms ({worst_p95['name']})",
         worst_p95["p95_ms"] <= TARGET_P95_MS),
        (f"queries per page at most {TARGET_QUERIES}",
         f"most {most_queries['queries']} ({most_queries['name']})",
         most_queries["queries"] <= TARGET_QUERIES),
        ("queue queries constant in the page size",
         f"{queue['queries']} at 25 rows, {queue['queries_at_4x_page_size']} at 100 rows",
         queue["queries"] == queue["queries_at_4x_page_size"]),
        (f"FG audit screen, one object, p95 at most {TARGET_AUDIT_P95_MS:g} ms",
         f"p95 {audit['p95_ms']:.1f} ms", audit["p95_ms"] <= TARGET_AUDIT_P95_MS),
        (f"decision-record PDF at most {TARGET_PDF_S:g} s",
         f"p95 {pdf['p95_ms'] / 1000:.2f} s", pdf["p95_ms"] <= TARGET_PDF_S * 1000),
        (f"purge at least {TARGET_PURGE_RATE:g} signals/s",
         f"{purge['per_second']} signals/s", purge["per_second"] >= TARGET_PURGE_RATE),
        (f"purge peak memory below {TARGET_PURGE_MB} MB", f"{purge['peak_rss_mb']} MB",
         purge["peak_rss_mb"] < TARGET_PURGE_MB),
    ]


def main():
    started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url(DATABASE),
        "REDIS_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(WORK / "static"),
        "PRIVATE_STORAGE_ROOT": str(WORK / "private"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "pga.settings",
        "PYTHONPATH": str(ROOT),
    }
    print(f"bench: database {DATABASE} (synthetic data, built fresh), budget {BUDGET} s",
          flush=True)
    step("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    step("manage.py", "collectstatic", "--noinput", "-v", "0", env=env)
    data, pages, purge = (str(WORK / name) for name in ("data.json", "pages.json", "purge.json"))
    step("-m", "tests.bench.data", data, env=env)
    step("-m", "tests.bench.pages", data, pages, env=env)
    left = BUDGET - (time.perf_counter() - started) - 30
    step("-m", "tests.bench.purge", data, purge, env={**env, "BENCH_PURGE_SECONDS": str(
        max(60, int(left)))})
    with open(pages) as handle:
        page_figures = json.load(handle)
    with open(purge) as handle:
        purge_figures = json.load(handle)
    results = targets(page_figures, purge_figures)
    for target, value, met in results:
        print(f"bench: target {target:<52} {value:<60} {'met' if met else 'MISSED'}")
    met = sum(1 for _t, _v, ok in results if ok)
    worst = max((p for p in page_figures if p["floor_ms"]), key=lambda p: p["ratio"])
    print(f"bench summary: worst page/floor ratio {worst['ratio']:.2f} (target <= "
          f"{TARGET_RATIO:g}); {met} of {len(results)} targets met; "
          f"{(time.perf_counter() - started) / 60:.1f} minutes", flush=True)


if __name__ == "__main__":
    main()
