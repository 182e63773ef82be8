"""Static files travel gzipped when the browser accepts it: the report form's first load on a phone is ~65 KB
instead of ~200 KB, most of it Leaflet. Each file is compressed once (per change of the file) and kept in memory.

Pages are never compressed: they hold a secret (the CSRF token, a tracking link) next to text the visitor typed,
which is what a BREACH attack on compressed HTTPS needs. A reverse proxy in front must follow the same rule."""

import gzip
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"}
MIN_BYTES = 1024  # below this the gzip header and a round trip cost more than they save


@lru_cache(maxsize=128)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:  # the key changes when the file does
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9, mtime=0)


def compress_static(response: Response) -> Response:
    if (
        request.endpoint != "static"
        or response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    path = safe_join(current_app.static_folder, request.view_args["filename"])
    stat = os.stat(path)
    if stat.st_size < MIN_BYTES:
        return response
    body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
    response.close()  # the open file send_file handed over
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)  # a different body, so a different validator
    return response.make_conditional(request)


def init_compression(app: Flask) -> None:
    app.after_request(compress_static)
