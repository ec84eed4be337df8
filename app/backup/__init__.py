"""Backups of the whole database: `flask backup create|restore` (pg_dump or SQLite's backup API)."""
