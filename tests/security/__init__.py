"""Hostile input: no 500 on any URL, query string, form, CSV or JSON upload."""
