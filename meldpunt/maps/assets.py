"""Leaflet and its plugins come from our own static/ folder, never from a CDN: a reporter's IP address must not
reach third parties, and the map must work where CDNs are blocked."""

import folium
from folium.plugins import HeatMap, MarkerCluster

LEAFLET = "vendor/leaflet-1.9.4"
MARKERCLUSTER = "vendor/leaflet.markercluster-1.5.3"
HEAT = "vendor/leaflet.heat-0.2.0"

# Static paths the templates include (in this order) on a page with a map.
MAP_CSS = {
    "picker": [f"{LEAFLET}/leaflet.css"],
    "cluster": [f"{LEAFLET}/leaflet.css", f"{MARKERCLUSTER}/MarkerCluster.css",
                f"{MARKERCLUSTER}/MarkerCluster.Default.css"],
}  # fmt: skip
MAP_JS = {
    "picker": [f"{LEAFLET}/leaflet.js"],
    "cluster": [f"{LEAFLET}/leaflet.js", f"{MARKERCLUSTER}/leaflet.markercluster.js"],
    "heat": [f"{LEAFLET}/leaflet.js", f"{HEAT}/leaflet-heat.js"],
}


def localise_folium_assets() -> None:
    """Empty folium's CDN asset lists once at start-up; templates include the vendored files instead."""
    for element in (folium.Map, MarkerCluster, HeatMap):
        element.default_js = []
        element.default_css = []
