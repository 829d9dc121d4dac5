"""The PostgreSQL client tools (pg_dump, pg_restore) pointed at the server the tests actually
use: the machine's PostgreSQL through DATABASE_URL, or the embedded pgserver, whose Unix socket
directory is a `?host=` option of the URL and not the settings' HOST. The connection's own
libpq parameters (psycopg's `ConnectionInfo`) say where that is, whichever way it was given."""

import os
import pathlib
import shutil
import subprocess

from django.db import connection


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def client_binary(name: str) -> str | None:
    """The client tool whose major version matches the server's: the machine's, or the one
    bundled with pgserver."""
    import pgserver

    major = server_major()
    bundled = pathlib.Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    for candidate in (shutil.which(name), str(bundled)):
        if not candidate or not os.path.exists(candidate):
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                 check=True).stdout
        if int(version.split()[-1].split(".")[0]) == major:
            return candidate
    return None


def libpq_args(database: str) -> list[str]:
    """-h/-p/-U/-d for `database` on the server the test connection is connected to (a host
    name, or a socket directory for the embedded server)."""
    connection.ensure_connection()
    info = connection.connection.info
    return ["-h", info.host, "-p", str(info.port), "-U", info.user, "-d", database]


def database_url(database: str) -> str:
    """A DATABASE_URL for `database` on the same server, for a `manage.py` subprocess."""
    connection.ensure_connection()
    info = connection.connection.info
    if info.host.startswith("/"):
        return f"postgres://{info.user}@/{database}?host={info.host}&port={info.port}"
    return f"postgres://{info.user}@{info.host}:{info.port}/{database}"
