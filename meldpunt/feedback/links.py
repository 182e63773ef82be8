"""Links that leave the site (in mails, on the receipt). Always built from PUBLIC_BASE_URL, never from the
request's Host header: a forged Host would otherwise make the municipality mail a link to someone else's site,
with a valid tracking token in it."""

from flask import current_app

from meldpunt.feedback.receipts import answer_token


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


def area_summary_url(area_code: str, month) -> str:
    """The public page of an area's monthly summary (web/area_feedback.py), for mails sent from a command."""
    return public_url(f"/cijfers/gebieden/{area_code}?maand={month:%Y-%m}")


def tracking_url(token: str) -> str:
    return public_url(f"/volg/{token}")


def answer_url(report_id: int) -> str:
    return public_url(f"/tevredenheid/{answer_token(current_app.config['SECRET_KEY'], report_id)}")
