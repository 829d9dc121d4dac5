"""`make load`: a bounded load test on loopback. Builds a load database next to the configured
one (or in the embedded PostgreSQL), serves the app with gunicorn as in production
(`pga.gunicorn`: 4 threaded workers with keep-alive; TLS with a throw-away certificate so
that secure cookies work as in production), runs locust headless with 50 users for 2 minutes
in a mixed workload, and prints requests served, errors and the 95th percentile latency.
It measures the pages, not the login: each simulated user starts with a session made as a
login makes it (`tests.load.prepare`), and the second factor is off (the login flow has its
own tests)."""

import csv
import os
import pathlib
import secrets
import ssl
import subprocess
import sys
import time
import urllib.request

import psycopg
from psycopg import sql

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "load"
PORT = 8443
USERS, SPAWN_RATE, RUN_TIME = 50, 10, os.environ.get("LOAD_RUN_TIME", "2m")
# The load database, dropped and built fresh: another name keeps two checkouts on one server
# from dropping each other's.
DATABASE = os.environ.get("LOAD_DATABASE_NAME", "weegploeg_load")
# The names under which the locustfile counts the public form's two expected answers.
STORED, REFUSED = "melding opgeslagen", "melding geweigerd (limiet)"


def fresh_database_url(name: str) -> str:
    """A fresh, empty database `name` (dropped if it exists) on the configured server
    (DATABASE_URL, or the embedded PostgreSQL); also used by `make bench`."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.path.insert(0, str(ROOT))
        from pga.embedded import embedded_database_url

        url = embedded_database_url(ROOT / "var" / "pgdata")
    base, _, query = url.partition("?")
    server = base.rsplit("/", 1)[0]
    suffix = f"?{query}" if query else ""
    with psycopg.connect(f"{server}/postgres{suffix}", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server}/{name}{suffix}"


def run(*args, env):
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url(DATABASE),
        "REDIS_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TWO_FACTOR_REQUIRED": "false",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(WORK / "static"),
        "PRIVATE_STORAGE_ROOT": str(WORK / "private"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "pga.settings",
        "PYTHONPATH": str(ROOT),
        "WEEGPLOEG_LOAD_DATA": str(WORK / "data.json"),
    }
    run("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    run("manage.py", "collectstatic", "--noinput", "-v", "0", env=env)
    run("-m", "tests.load.prepare", str(WORK / "data.json"), env=env)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(WORK / "key.pem"),
         "-out", str(WORK / "cert.pem")], check=True, capture_output=True)
    server = subprocess.Popen(
        [str(pathlib.Path(sys.executable).parent / "gunicorn"), "--config=python:pga.gunicorn",
         "pga.wsgi:application", "--workers", "4", "--bind", f"127.0.0.1:{PORT}",
         "--certfile", str(WORK / "cert.pem"), "--keyfile", str(WORK / "key.pem"),
         "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        # Our own throw-away certificate: encrypted, not verified.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        for _ in range(60):
            try:
                urllib.request.urlopen(f"https://127.0.0.1:{PORT}/healthz", context=context)  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        subprocess.run(
            [str(pathlib.Path(sys.executable).parent / "locust"), "-f",
             str(ROOT / "tests" / "load" / "locustfile.py"), "--headless", "-u", str(USERS),
             "-r", str(SPAWN_RATE), "-t", RUN_TIME, "--host", f"https://127.0.0.1:{PORT}",
             "--csv", str(WORK / "locust"), "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env=env, check=False)
    finally:
        server.terminate()
        server.wait(30)
    with open(WORK / "locust_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        print(f"load {row['Name']:<28} requests {row['Request Count']:>6}  errors "
              f"{row['Failure Count']:>4}  median {row['50%']:>5} ms  p95 {row['95%']:>5} ms")
    public = {row["Name"]: row for row in rows}
    stored, refused = public.get(STORED, {}), public.get(REFUSED, {})
    print(f"load meldpunt: {stored.get('Request Count', 0)} meldingen opgeslagen, "
          f"{refused.get('Request Count', 0)} geweigerd door de limiet (429, de pagina "
          f"'Te veel meldingen'; geen fout), fouten "
          f"{int(stored.get('Failure Count', 0)) + int(refused.get('Failure Count', 0))}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"load summary: {USERS} users, {RUN_TIME}: {total['Request Count']} requests, "
          f"{total['Failure Count']} errors, p95 {total['95%']} ms "
          f"(goal: 0 errors, p95 <= 300 ms)")


if __name__ == "__main__":
    main()
