"""What every map shares: the folium base map, and rendering each kind of map once.

Folium builds a map in Python (milliseconds per page). Its output depends only on the map kind and MapInputs
(the profile's centre and zoom, the tile server, the reader's language), so each kind is rendered once per
MapInputs and kept. What differs per page is data: the spot to show travels in the container's data-center and
the map's own script reads it before any tile loads; reports come as GeoJSON fetched by the page's script; the
CSP nonce goes on the <script> tag (templates/macros/map.html), so the kept script never holds one."""

import functools
from collections.abc import Callable
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


@dataclass(frozen=True)
class MapInputs:
    """Everything a map's folium output depends on besides its kind."""

    center: tuple[float, float]  # lat, lon
    zoom: int
    tile_url: str
    attribution: str
    zoom_titles: tuple[str, str]  # Leaflet's zoom buttons, in the reader's language


def map_inputs(profile: Profile, tile_url: str, attribution: str) -> MapInputs:
    return MapInputs(tuple(profile.map_center), profile.map_zoom, tile_url, attribution, (_("Zoom in"), _("Zoom out")))


@dataclass(frozen=True)
class RenderedMap:
    """One kind of map as folium made it: the same for every page that shows it."""

    name: str  # the container's id and the script's variable
    script: Markup

    def parts(self, spot: LatLon | None = None) -> MapParts:
        """This page's map: `spot` (if any) is where it opens, with a marker if its kind draws one."""
        data = Markup(' data-center="{},{}"').format(spot.lat, spot.lon) if spot else ""
        return MapParts(Markup('<div class="folium-map" id="{}"{}></div>').format(self.name, data), self.script)


def made_once(build: Callable[[MapInputs], folium.Map]) -> Callable[[MapInputs], RenderedMap]:
    """`build` runs once per MapInputs (a handful: profiles times languages); later pages reuse its output."""

    @functools.lru_cache(maxsize=128)
    def rendered(inputs: MapInputs) -> RenderedMap:
        m = build(inputs)
        m.get_root().render()
        return RenderedMap(m.get_name(), Markup(m.get_root().script.render()))

    return rendered


class AnnounceMap(MacroElement):
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

    def __init__(self, titles: tuple[str, str]):
        super().__init__()
        self.options = {"zoomInTitle": titles[0], "zoomOutTitle": titles[1]}


class _OpenAtSpot(MacroElement):
    """Opens the map at the page's spot (data-center="lat,lon" on its container), if it gives one. It runs before
    the tile layer is added, so only the spot's tiles are fetched."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var spot = map.getContainer().getAttribute("data-center");
            if (spot) { map.setView(spot.split(",").map(Number), {{ this.zoom|tojson }}, {animate: false}); }
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, zoom: int):
        super().__init__()
        self.zoom = zoom


class SpotMarker(MacroElement):
    """A Leaflet marker (`factory`: "marker", "circleMarker") on the page's spot."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var spot = map.getContainer().getAttribute("data-center");
            if (spot) { L.{{ this.factory }}(spot.split(",").map(Number), {{ this.options|tojson }}).addTo(map); }
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, factory: str, **options):
        super().__init__()
        self.factory, self.options = factory, options


# Leaflet options that make a map a picture: nothing to drag, zoom or tab into.
STILL = dict(zoom_control=False, dragging=False, scrollWheelZoom=False, doubleClickZoom=False, touchZoom=False,
             boxZoom=False, keyboard=False, attributionControl=False)  # fmt: skip


def base_map(inputs: MapInputs, *, spot_zoom: int | None = None, **options) -> folium.Map:
    """The profile's map with our tiles. `spot_zoom`: the zoom at which it opens when the page gives a spot."""
    m = folium.Map(
        location=list(inputs.center),
        zoom_start=inputs.zoom,
        tiles=None,
        max_zoom=19,
        control_scale=True,
        prefer_canvas=False,
        **(options | {"zoom_control": False}),  # ours below, with translated button names
    )
    if spot_zoom is not None:
        _OpenAtSpot(spot_zoom).add_to(m)
    if options.get("zoom_control", True):
        _ZoomControl(inputs.zoom_titles).add_to(m)
    # detect_retina: on a phone's sharp screen Leaflet asks for the next zoom level's tiles at half size, so street
    # names are legible (and Lighthouse does not count the tiles as low-resolution images).
    folium.TileLayer(
        tiles=inputs.tile_url, attr=inputs.attribution, max_zoom=19, name="kaart", detect_retina=True
    ).add_to(m)
    return m
