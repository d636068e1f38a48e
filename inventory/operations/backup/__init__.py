"""Backups and restores: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL; keep the newest N."""
