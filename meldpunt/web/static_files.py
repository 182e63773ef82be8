"""Static files under their content hash: every url_for("static", ...) carries ?v=<hash of the file>, and a
request whose v is the file's hash may be cached for a year (a changed file gets a new URL). Any other request —
without v, or with the hash of another version during a rolling deploy — revalidates. Flask's own send_file sets
the age (on 200 and 304 alike) through MeldpuntFlask.get_send_file_max_age; the proxy's config in deploy/ serves
/static/ the same way."""

import hashlib
import os

from flask import Flask, request

YEAR = 365 * 24 * 3600
_hashes: dict[tuple[str, float, int], str] = {}


def content_hash(static_folder: str, filename: str) -> str | None:
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    # Keyed on mtime and size, so `make run` picks up an edited file without a restart.
    key = (path, stat.st_mtime, stat.st_size)
    if key not in _hashes:
        with open(path, "rb") as handle:
            _hashes[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return _hashes[key]


def versioned_max_age(app: Flask, filename: str) -> int | None:
    """A year when the request names this very version of the file; None (revalidate) otherwise."""
    version = request.args.get("v")
    return YEAR if version and version == content_hash(app.static_folder, filename) else None


def init_static_files(app: Flask) -> None:
    @app.url_defaults
    def add_content_hash(endpoint, values):
        if endpoint == "static" and "v" not in values:
            if version := content_hash(app.static_folder, values.get("filename", "")):
                values["v"] = version

    @app.after_request
    def mark_immutable(response):
        if request.endpoint == "static" and response.cache_control.max_age == YEAR:
            response.cache_control.immutable = True
        return response
