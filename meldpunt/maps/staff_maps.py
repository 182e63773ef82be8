"""Maps for staff pages: a queue's reports (fetched as data by the page's script); one report's spot."""

import folium

from meldpunt.geo import LatLon
from meldpunt.maps.picker import MapParts, _AnnounceMap, base_map, render_map
from meldpunt.profiles import Profile


def queue_map(profile: Profile, tile_url: str, attribution: str) -> MapParts:
    """The queue's map: an empty base map; static/js/queue-map.js fetches every report that matches the filters
    as GeoJSON (queries.queue_map_data) and clusters them, so the page never carries the reports themselves."""
    m = base_map(profile, tile_url, attribution)
    _AnnounceMap().add_to(m)
    return render_map(m)


def spot_map(profile: Profile, tile_url: str, attribution: str, position: LatLon) -> MapParts:
    m = base_map(profile, tile_url, attribution, center=position, zoom=17)
    folium.CircleMarker([position.lat, position.lon], radius=9, color="#b00020", fill=True, fill_opacity=0.6).add_to(m)
    return render_map(m)
