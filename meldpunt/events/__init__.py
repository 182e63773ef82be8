"""Planned events (Koningsdag, FC Emmen home matches, TT-weekend) that tag the reports made during them, and
risk zones: hotspots staff designate for the field team for a while (DESIGN §9)."""
