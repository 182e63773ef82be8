"""The request class: every query and form value arrives without control characters (see meldpunt/text.py), in
every view and every form, before anything can store or echo it; so does every value taken from the path
(clean_view_args)."""

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from meldpunt.text import without_control_characters


def _clean(value):
    return without_control_characters(value) if isinstance(value, str) else value


def _pairs(mapping):
    if mapping is None:
        return []
    if isinstance(mapping, MultiDict):
        return list(mapping.items(multi=True))
    if isinstance(mapping, dict):
        return [(k, v) for k, vs in mapping.items() for v in (vs if isinstance(vs, list | tuple) else [vs])]
    return list(mapping)


class CleanMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        super().__init__([(_clean(k), _clean(v)) for k, v in _pairs(mapping)])


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict


def clean_view_args(_endpoint, values: dict | None) -> None:
    """The URL's own values (a queue's code, a reference) cleaned like the query's: a NUL in a path would otherwise
    reach the database, which PostgreSQL refuses with an error."""
    for name, value in (values or {}).items():
        values[name] = _clean(value)
