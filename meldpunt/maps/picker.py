"""The location picker on the report form: a folium map whose clicks the page's own script turns into the
form's lat/lon (static/js/location-picker.js)."""

from dataclasses import dataclass

import folium
from branca.element import MacroElement
from flask_babel import gettext as _
from jinja2 import Template
from markupsafe import Markup

from meldpunt.geo import LatLon
from meldpunt.profiles import Profile


@dataclass(frozen=True)
class MapParts:
    html: Markup
    script: Markup


class _AnnounceMap(MacroElement):
    """Hands the Leaflet map object to our own script once folium has created it."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        document.dispatchEvent(new CustomEvent("meldpunt:map-ready", {detail: {map: {{ this._parent.get_name() }}}}));
        {% endmacro %}"""
    )


class _ZoomControl(MacroElement):
    """Leaflet's zoom buttons with their names in the reader's language (Leaflet's own are English)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.zoom({{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self.options = {"zoomInTitle": _("Zoom in"), "zoomOutTitle": _("Zoom out")}


def render_map(m: folium.Map) -> MapParts:
    root = m.get_root()
    root.render()
    return MapParts(Markup(root.html.render()), Markup(root.script.render()))


# Leaflet options that make a map a picture: nothing to drag, zoom or tab into.
STILL = dict(zoom_control=False, dragging=False, scrollWheelZoom=False, doubleClickZoom=False, touchZoom=False,
             boxZoom=False, keyboard=False, attributionControl=False)  # fmt: skip


def base_map(profile: Profile, tile_url: str, attribution: str, *, center: LatLon | None = None,
             zoom=None, **options) -> folium.Map:  # fmt: skip
    m = folium.Map(
        location=[center.lat, center.lon] if center else list(profile.map_center),
        zoom_start=zoom or profile.map_zoom,
        tiles=None,
        max_zoom=19,
        control_scale=True,
        prefer_canvas=False,
        **(options | {"zoom_control": False}),  # ours below, with translated button names
    )
    if options.get("zoom_control", True):
        _ZoomControl().add_to(m)
    # detect_retina: on a phone's sharp screen Leaflet asks for the next zoom level's tiles at half size, so street
    # names are legible (and Lighthouse does not count the tiles as low-resolution images).
    folium.TileLayer(tiles=tile_url, attr=attribution, max_zoom=19, name="kaart", detect_retina=True).add_to(m)
    return m


def analysis_map(profile: Profile, tile_url: str, attribution: str) -> MapParts:
    """The map of the analysis pages; static/js/analysis-map.js fetches its layers as GeoJSON."""
    m = base_map(profile, tile_url, attribution)
    _AnnounceMap().add_to(m)
    return render_map(m)


def location_picker_map(profile: Profile, tile_url: str, attribution: str, center: LatLon | None = None) -> MapParts:
    m = base_map(profile, tile_url, attribution, center=center, zoom=17 if center else None)
    m.on(
        click=folium.JsCode(
            "function (e) { document.dispatchEvent(new CustomEvent('meldpunt:pick',"
            " {detail: {latlng: e.latlng, map: e.target}})); }"
        )
    )
    _AnnounceMap().add_to(m)
    return render_map(m)


def spot_preview_map(profile: Profile, tile_url: str, attribution: str, position: LatLon) -> MapParts:
    """The reporter's review: a small still map of the chosen spot (the page says the place in words too)."""
    m = base_map(profile, tile_url, attribution, center=position, zoom=16, **STILL)
    folium.Marker([position.lat, position.lon], keyboard=False, interactive=False).add_to(m)  # the caption says it
    return render_map(m)
