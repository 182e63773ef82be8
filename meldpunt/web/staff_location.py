"""Where a report is, on the staff's intake and schouw forms: a place search (the geocoder) or coordinates (typed,
or filled by "use my location" on a phone). Works without the map and without JavaScript."""

from flask import current_app
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from meldpunt.geo import LatLon
from meldpunt.geo.geocoder import GeocoderUnavailable, geocoder_for
from meldpunt.profiles import current_profile


def fill_places(form) -> str | None:
    """Fill form.place's choices from form.place_query; a message when the search found nothing or could not run."""
    query = (form.place_query.data or "").strip()
    form.place.choices = []
    if not query:
        return None
    try:
        found = geocoder_for(current_app.config, current_profile()).search(query)
    except GeocoderUnavailable:
        return _("Searching is not possible right now. Enter the coordinates or choose the place later.")
    form.place.choices = [SelectChoice(f"{p.lat:.6f}|{p.lon:.6f}|{p.precision}", p.label) for p in found]
    return None if found else _("No place found for “%(query)s”.", query=query)


def chosen_position(form) -> tuple[LatLon | None, str, str]:
    """(position, location method, precision): coordinates first, else the place chosen from the search (a
    village centre is a "place": the spot must then be described)."""
    if form.lat.data or form.lon.data:
        return LatLon.parse(form.lat.data, form.lon.data), "gps", "exact"
    if form.place.data and form.place.data.count("|") == 2:
        lat, lon, precision = form.place.data.split("|")
        return LatLon.parse(lat, lon), "search", "exact" if precision == "address" else "place"
    return None, "search", "exact"
