"""Backup and restore (README, "Back-up en herstel"): a pg_dump of the database restored into a
fresh database with pg_restore passes `verify_audit_chain` there."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from pga.audit import acting_as
from tests.factories import PartnerFactory


def _client_binary(name: str, server_major: int) -> str | None:
    """The PostgreSQL client tool whose major version matches the server's."""
    import pgserver

    bundled = pathlib.Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    for candidate in (shutil.which(name), str(bundled)):
        if not candidate or not os.path.exists(candidate):
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                 check=True).stdout
        if int(version.split()[-1].split(".")[0]) == server_major:
            return candidate
    return None


def _libpq_args(settings_dict, database):
    args = ["-U", settings_dict["USER"] or "postgres", "-d", database]
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    return args


@pytest.mark.django_db(transaction=True)
def test_a_restored_dump_passes_the_audit_chain_check(beheerder, tmp_path):
    with acting_as(beheerder):
        for n in range(5):
            PartnerFactory(name=f"Back-up partner {n}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    pg_dump = _client_binary("pg_dump", server_major)
    pg_restore = _client_binary("pg_restore", server_major)
    if not (pg_dump and pg_restore):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Geen pg_dump/pg_restore van versie {server_major} gevonden.")
        pytest.skip(f"Installeer postgresql-client-{server_major} voor deze test.")
    settings_dict = connection.settings_dict
    dump = tmp_path / "weegploeg.dump"
    restored = f"{settings_dict['NAME']}_herstel"
    subprocess.run([pg_dump, "-Fc", "-f", str(dump), *_libpq_args(settings_dict,
                   settings_dict["NAME"])], check=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run([pg_restore, "--no-owner", *_libpq_args(settings_dict, restored),
                        str(dump)], check=True)
        url = "postgres://{user}@{host}{port}/{name}".format(
            user=settings_dict["USER"] or "postgres",
            host="" if str(settings_dict.get("HOST", "")).startswith("/")
            else settings_dict.get("HOST") or "",
            port=f":{settings_dict['PORT']}" if settings_dict.get("PORT") else "",
            name=restored,
        )
        if str(settings_dict.get("HOST", "")).startswith("/"):
            url += f"?host={settings_dict['HOST']}"
        result = subprocess.run(
            [sys.executable, "manage.py", "verify_audit_chain"],
            env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "Auditlog intact." in result.stdout
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
