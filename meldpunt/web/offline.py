"""Reporting without a connection (issue 11): the manifest that makes the site installable, the public service
worker (static/js/offline-sw.js, served from / so that its scope is the public site) and the queued send: a report
finished offline, kept on the phone by static/js/offline-report.js and sent here when the connection returns.

Why the queued send skips the form's CSRF token: it may have expired while the phone waited. What a CSRF token
proves (the request comes from our own page) is proved here by the request's shape instead: a JSON body with a
custom header is a non-simple request, which another site cannot send without a CORS preflight that this site
never answers; a browser's Sec-Fetch-Site/Origin, when present, must say same-origin as well. The submission key
makes a repeat harmless: the same report is answered, never stored twice."""

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory, url_for
from flask_babel import gettext as _

from meldpunt.extensions import csrf, db, limiter
from meldpunt.profiles import current_profile
from meldpunt.reports.kinds import KINDS
from meldpunt.reports.submission import SubmissionRejected, submit_report
from meldpunt.text import without_control_characters
from meldpunt.web import public
from meldpunt.web.report_forms import FORMS_BY_KIND
from meldpunt.web.requests import CleanMultiDict

bp = Blueprint("offline", __name__)

QUEUED_HEADER = "X-Samen-Alert-Queued"
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
ICON_SIZES = (192, 512)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest that makes the public site installable.
    ---
    get:
      tags: [Reporting]
      responses:
        "200":
          description: The manifest
          content:
            application/manifest+json:
              schema: {type: object, required: [name, short_name, start_url, icons], properties: {icons: {type: array}}}
    """
    profile = current_profile()
    name = _("Samen alert") + " " + profile.name
    response = jsonify(
        {
            "name": name,
            "short_name": _("Samen alert"),
            "description": _(
                "Report street harassment, nuisance or an unsafe place to the municipality of %(name)s.",
                name=profile.name,
            ),  # fmt: skip
            "lang": "nl",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": profile.brand_colour,
            "icons": [
                {
                    "src": url_for("static", filename=f"img/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }  # fmt: skip
                for size in ICON_SIZES
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so that its scope is the whole public site; field mode's worker (/veld/sw.js) has the
    narrower scope /veld/ and so keeps its own pages."""
    response = send_from_directory(current_app.static_folder, "js/offline-sw.js", mimetype="text/javascript",
                                   max_age=0)  # fmt: skip
    response.headers["Cache-Control"] = "no-cache"
    return response


def _same_origin_script() -> bool:
    if request.headers.get(QUEUED_HEADER) != "1" or not request.is_json:
        return False
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("Origin")
    # The host only: behind a TLS-terminating proxy the scheme the app sees may differ from the browser's.
    return origin is None or urlsplit(origin).netloc == request.host


def _stored(response) -> bool:
    """Only a newly stored report counts against the queued-send limit; a repeat of one stored already does not."""
    return response.status_code == 201


@bp.post("/melden/wachtend")
@csrf.exempt  # see the module's docstring: the request's shape and the submission key stand in for the token
@limiter.limit(lambda: current_app.config["RATELIMIT_QUEUED_SEND"], scope="queued-send", deduct_when=_stored)
def queued_send():
    """A report finished offline, sent by the page's script when the connection returns (see the module).
    ---
    post:
      tags: [Reporting]
      parameters:
        - {in: header, name: X-Samen-Alert-Queued, required: true, schema: {type: string, enum: ["1"]}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [kind, category, fields]
              properties:
                kind: {type: string, enum: [straatintimidatie, overlast, onveilige_plek, verdachte_situatie]}
                category: {type: string, description: a category code of that kind}
                fields:
                  type: object
                  description: the report form's fields by name, a list for a field with several values
                  required: [submission_key]
                  properties: {submission_key: {type: string, pattern: "^[A-Za-z0-9_-]{20,64}$"}}
      responses:
        "201":
          description: Stored
          content: {application/json: {schema: &stored {type: object, required: [ok, reference, receipt],
                                                         properties: {ok: {type: boolean}, reference: {type: string},
                                                                      receipt: {type: string}}}}}
        "200":
          description: Stored already (the same submission_key)
          content: {application/json: {schema: *stored}}
        "400": BadRequest
        "404": NotFound
        "422":
          description: Refused; the form's messages
          content:
            application/json:
              schema:
                type: object
                required: [ok, errors]
                properties: {ok: {type: boolean}, errors: {type: array, items: {type: string}}}
        "429": TooMany
    """
    if not _same_origin_script():
        abort(400)
    body = request.get_json(silent=True) or {}
    kind, category_code = str(body.get("kind", "")), without_control_characters(str(body.get("category", "")))
    fields = body.get("fields")
    if kind not in KINDS or not isinstance(fields, dict):
        abort(400)
    category = public._category_or_404(kind, category_code)
    # Cleaned like any form's values (web/requests.py): a JSON body is not a form, so it is done here.
    formdata = CleanMultiDict(
        [(str(k), str(v)) for k, values in fields.items() for v in (values if isinstance(values, list) else [values])]
    )
    if not SUBMISSION_KEY_RE.match(formdata.get("submission_key", "")):
        abort(400)
    form = FORMS_BY_KIND[kind](formdata=formdata, meta={"csrf": False}, category=category)
    if not form.validate():
        return jsonify(ok=False, errors=_form_errors(form)), 422
    new_report = public._new_report(form, category)
    try:
        receipt = submit_report(new_report)
    except SubmissionRejected as rejected:
        return jsonify(ok=False, errors=[str(m) for m in rejected.problems.values()]), 422
    db.session.commit()
    public._drop_draft()
    public._keep_receipt(receipt, KINDS[kind], category, new_report)
    return jsonify(ok=True, reference=receipt.reference, receipt=url_for("public.confirmation")), (
        201 if receipt.created else 200
    )


def _form_errors(form) -> list[str]:
    return list(dict.fromkeys(str(e) for errors in form.errors.values() for e in errors))
