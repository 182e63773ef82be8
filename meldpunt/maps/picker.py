"""Maps on public pages: the location picker on the report form, whose clicks the page's own script turns into the
form's lat/lon (static/js/location-picker.js); the reporter's preview of the chosen spot; the analysis map."""

import folium

from meldpunt.geo import LatLon
from meldpunt.maps.base import STILL, AnnounceMap, MapInputs, MapParts, SpotMarker, base_map, made_once, map_inputs
from meldpunt.profiles import Profile


@made_once
def _analysis(inputs: MapInputs) -> folium.Map:
    m = base_map(inputs)
    AnnounceMap().add_to(m)
    return m


def analysis_map(profile: Profile, tile_url: str, attribution: str) -> MapParts:
    """The map of the analysis pages; static/js/analysis-map.js fetches its layers as GeoJSON."""
    return _analysis(map_inputs(profile, tile_url, attribution)).parts()


@made_once
def _picker(inputs: MapInputs) -> folium.Map:
    m = base_map(inputs, spot_zoom=17)
    m.on(
        click=folium.JsCode(
            "function (e) { document.dispatchEvent(new CustomEvent('meldpunt:pick',"
            " {detail: {latlng: e.latlng, map: e.target}})); }"
        )
    )
    AnnounceMap().add_to(m)
    return m


def location_picker_map(profile: Profile, tile_url: str, attribution: str, center: LatLon | None = None) -> MapParts:
    """`center`: the spot already chosen (the form came back); location-picker.js puts the marker on it."""
    return _picker(map_inputs(profile, tile_url, attribution)).parts(center)


@made_once
def _spot_preview(inputs: MapInputs) -> folium.Map:
    m = base_map(inputs, spot_zoom=16, **STILL)
    SpotMarker("marker", keyboard=False, interactive=False).add_to(m)  # the caption says it
    return m


def spot_preview_map(profile: Profile, tile_url: str, attribution: str, position: LatLon) -> MapParts:
    """The reporter's review: a small still map of the chosen spot (the page says the place in words too)."""
    return _spot_preview(map_inputs(profile, tile_url, attribution)).parts(position)
