"""Everything spatial. Coordinate order, once:

- Leaflet/folium: [lat, lon]
- WKT, shapely and ST_X/ST_Y: x = lon, y = lat  ->  POINT(lon lat)
- GeoJSON: [lon, lat]

Storage and display use EPSG:4326 (WGS84); metric work (distances, grids, tolerances) uses EPSG:28992
(RD New), stored next to the WGS84 geometry. SpatiaLite/PostGIS differences live in `geo.spatial` only.
"""

WGS84 = 4326
RD_NEW = 28992
