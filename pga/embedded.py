"""The embedded database: a private PostgreSQL from the `pgserver` package.

Used when DATABASE_URL is unset (`make run`, `make test` on a fresh clone). The data
directory lives under var/ and is kept between runs; the server keeps running after the
process that started it ends, and the next start finds and reuses it.
"""

import warnings
from pathlib import Path


def embedded_database_url(pgdata: Path) -> str:
    """Start (or find) the private server in `pgdata` and return a URL for its database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless here.
        warnings.simplefilter("ignore")
        import pgserver

        pgdata.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'weegploeg';")
        if "(1 row)" not in exists:
            server.psql("CREATE DATABASE weegploeg;")
    # Unix socket in the data directory; no TCP port is opened.
    return f"postgres://postgres@/weegploeg?host={pgdata}"
