"""Static files under their content hash: every url_for("static", ...) carries ?v=<hash of the file>, and a
request with v may be cached for a year (a changed file gets a new URL). Without v, browsers revalidate. The
proxy's config in deploy/ serves /static/ the same way, so the app and the proxy agree."""

import hashlib
import os

from flask import Flask, request

YEAR = 365 * 24 * 3600


def init_static_files(app: Flask) -> None:
    hashes: dict[tuple[str, float, int], str] = {}

    def content_hash(filename: str) -> str | None:
        path = os.path.join(app.static_folder, filename)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        # Keyed on mtime and size, so `make run` picks up an edited file without a restart.
        key = (filename, stat.st_mtime, stat.st_size)
        if key not in hashes:
            with open(path, "rb") as handle:
                hashes[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
        return hashes[key]

    @app.url_defaults
    def add_content_hash(endpoint, values):
        if endpoint == "static" and "v" not in values and (version := content_hash(values.get("filename", ""))):
            values["v"] = version

    @app.after_request
    def cache_versioned_files(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
