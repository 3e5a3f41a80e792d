"""One small CKAN plugin per concern (see setup.py entry points)."""
