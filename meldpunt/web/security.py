"""Security headers for every response: a strict Content-Security-Policy with a per-request nonce for the
inline scripts folium generates, and no referrer (tracking links carry a secret)."""

import secrets
from urllib.parse import urlsplit

from flask import Flask, g


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def content_security_policy(nonce: str, tile_url: str) -> str:
    tiles = _tile_origin(tile_url)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            f"img-src 'self' data: blob: {tiles}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def init_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def new_nonce():
        g.csp_nonce = secrets.token_urlsafe(18)

    @app.after_request
    def set_security_headers(response):
        response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), app.config["TILE_URL"])
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=(), interest-cohort=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        # Browsers ignore this over plain http (make run); over https it keeps every later visit on https.
        response.headers["Strict-Transport-Security"] = f"max-age={int(app.config['HSTS_MAX_AGE'])}; includeSubDomains"
        if response.mimetype == "text/html":
            # Pages hold forms with CSRF tokens and personal input: never cache them.
            response.headers["Cache-Control"] = "no-store"
        return response
