"""`make bench`: how the offline plan scales with the estate, against a flat baseline (issue 5)."""
