"""Stored files that are kept with their SHA-256 (decision records, inzage exports)."""

import hashlib


def read_verified(stored_file, sha256: str) -> bytes | None:
    """The file's bytes when it is there and matches `sha256`; None when it is missing or
    changed. The caller refuses to serve it and says why."""
    try:
        with stored_file.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None
