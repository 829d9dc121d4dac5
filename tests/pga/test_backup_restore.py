"""Backup and restore (README, "Back-up en herstel"): a pg_dump of the database restored into a
fresh database with pg_restore passes `verify_audit_chain` there."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from pga.audit import acting_as
from tests.factories import PartnerFactory
from tests.pg_client import client_binary, database_url, libpq_args


@pytest.mark.django_db(transaction=True)
def test_a_restored_dump_passes_the_audit_chain_check(beheerder, tmp_path):
    with acting_as(beheerder):
        for n in range(5):
            PartnerFactory(name=f"Back-up partner {n}")
    pg_dump = client_binary("pg_dump")
    pg_restore = client_binary("pg_restore")
    if not (pg_dump and pg_restore):
        if os.environ.get("CI") == "true":
            pytest.fail("Geen pg_dump/pg_restore van de versie van de server gevonden.")
        pytest.skip("Installeer de postgresql-client van de versie van de server.")
    name = connection.settings_dict["NAME"]
    dump = tmp_path / "weegploeg.dump"
    restored = f"{name}_herstel"
    subprocess.run([pg_dump, "-Fc", "-f", str(dump), *libpq_args(name)], check=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run([pg_restore, "--no-owner", *libpq_args(restored), str(dump)], check=True)
        result = subprocess.run(
            [sys.executable, "manage.py", "verify_audit_chain"],
            env={**os.environ, "DATABASE_URL": database_url(restored)},
            capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "Auditlog intact." in result.stdout
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
