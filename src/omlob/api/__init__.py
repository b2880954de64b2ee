"""The REST API under /api/ (django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs)."""
