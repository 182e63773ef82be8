"""Maps for staff pages: a queue's reports (fetched as data by the page's script); one report's spot."""

import folium

from meldpunt.geo import LatLon
from meldpunt.maps.base import AnnounceMap, MapInputs, MapParts, SpotMarker, base_map, made_once, map_inputs
from meldpunt.profiles import Profile


@made_once
def _queue(inputs: MapInputs) -> folium.Map:
    m = base_map(inputs)
    AnnounceMap().add_to(m)
    return m


def queue_map(profile: Profile, tile_url: str, attribution: str) -> MapParts:
    """The queue's map: an empty base map; static/js/queue-map.js fetches every report that matches the filters
    as GeoJSON (queries.queue_map_data) and clusters them, so the page never carries the reports themselves."""
    return _queue(map_inputs(profile, tile_url, attribution)).parts()


@made_once
def _spot(inputs: MapInputs) -> folium.Map:
    m = base_map(inputs, spot_zoom=17)
    SpotMarker("circleMarker", radius=9, color="#b00020", fill=True, fillOpacity=0.6).add_to(m)
    return m


def spot_map(profile: Profile, tile_url: str, attribution: str, position: LatLon) -> MapParts:
    return _spot(map_inputs(profile, tile_url, attribution)).parts(position)
