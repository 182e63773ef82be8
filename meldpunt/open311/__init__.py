"""Open311 GeoReport v2 (DESIGN §10): API keys for partners and the public view of reports the API returns."""
