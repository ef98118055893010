"""The service layer: settings, the check pipeline, the ``kratuve`` CLI (and later the web API)."""
