"""The calculation core: pure Python rules and parsers, deliberately free of Django."""
