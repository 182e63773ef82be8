"""The privacy life cycle of a report: retention, coarsening, withdrawal."""
