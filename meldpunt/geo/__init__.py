"""Everything spatial. Coordinate order, once:

- Leaflet/folium: [lat, lon]
- WKT, shapely and ST_X/ST_Y: x = lon, y = lat  ->  POINT(lon lat)
- GeoJSON: [lon, lat]

Storage and display use EPSG:4326 (WGS84); metric work (distances, grids, tolerances) uses EPSG:28992
(RD New), stored next to the WGS84 geometry. SpatiaLite/PostGIS differences live in `geo.spatial` only.
"""

import math
from dataclasses import dataclass

WGS84 = 4326
RD_NEW = 28992


@dataclass(frozen=True)
class LatLon:
    """A WGS84 position, always named: `LatLon(lat=52.78, lon=6.89)`. Construction checks it is a real place on
    earth, so nothing downstream (SQL, folium) sees NaN, infinity or an out-of-range number."""

    lat: float
    lon: float

    def __post_init__(self):
        lat, lon = float(self.lat), float(self.lon)
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"not a position on earth: {self.lat!r}, {self.lon!r}")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)

    @classmethod
    def parse(cls, lat, lon) -> "LatLon | None":
        """From untrusted input (form fields, a header): the position, or None when it is not one."""
        try:
            return cls(float(lat), float(lon))
        except (TypeError, ValueError, OverflowError):
            return None
