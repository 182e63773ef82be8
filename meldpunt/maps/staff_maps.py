"""Maps for staff pages: the reports of a queue page, clustered; one report's spot."""

import folium
from folium.plugins import MarkerCluster
from markupsafe import escape

from meldpunt.maps.picker import MapParts, base_map, render_map
from meldpunt.profiles import Profile


def reports_map(profile: Profile, tile_url: str, attribution: str, points, reports_by_id, link_for) -> MapParts:
    m = base_map(profile, tile_url, attribution)
    cluster = MarkerCluster(name="meldingen").add_to(m)
    bounds = []
    for report_id, lat, lon in points:
        report = reports_by_id[report_id]
        popup = f'<a href="{escape(link_for(report))}">{escape(report.reference)}</a>'
        folium.Marker([lat, lon], popup=folium.Popup(popup, parse_html=False), tooltip=report.reference).add_to(
            cluster
        )
        bounds.append([lat, lon])
    if len(bounds) > 1:
        m.fit_bounds(bounds, max_zoom=16)
    return render_map(m)


def spot_map(profile: Profile, tile_url: str, attribution: str, lat: float, lon: float) -> MapParts:
    m = base_map(profile, tile_url, attribution, center=(lat, lon), zoom=17)
    folium.Marker([lat, lon]).add_to(m)
    return render_map(m)
