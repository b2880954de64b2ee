"""Omløb: green and circular public procurement for Danish municipalities."""

__version__ = "0.1.0"
