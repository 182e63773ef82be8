"""Maps for staff pages: the reports of a queue page, clustered; one report's spot."""

import folium
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template
from markupsafe import escape

from meldpunt.geo import LatLon
from meldpunt.maps.picker import MapParts, base_map, render_map
from meldpunt.profiles import Profile


class LinkedMarker(MacroElement):
    """A marker whose popup links to the report. folium's own Popup needs jQuery, which we do not ship."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.marker({{ this.location|tojson }}, {title: {{ this.title|tojson }}})
            .bindPopup({{ this.popup_html|tojson }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, location, title: str, popup_html: str):
        super().__init__()
        self._name = "LinkedMarker"
        self.location = location
        self.title = title
        self.popup_html = popup_html


def reports_map(profile: Profile, tile_url: str, attribution: str, points, reports_by_id, link_for) -> MapParts:
    m = base_map(profile, tile_url, attribution)
    cluster = MarkerCluster(name="meldingen").add_to(m)
    bounds = []
    for report_id, position in points:
        report = reports_by_id[report_id]
        popup = f'<a href="{escape(link_for(report))}">{escape(report.reference)}</a>'
        LinkedMarker([position.lat, position.lon], report.reference, popup).add_to(cluster)
        bounds.append([position.lat, position.lon])
    if len(bounds) > 1:
        m.fit_bounds(bounds, max_zoom=16)
    return render_map(m)


def spot_map(profile: Profile, tile_url: str, attribution: str, position: LatLon) -> MapParts:
    m = base_map(profile, tile_url, attribution, center=position, zoom=17)
    folium.Marker([position.lat, position.lon]).add_to(m)
    return render_map(m)
