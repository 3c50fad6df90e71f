"""The article store: one interface (base.py), two adapters (Elasticsearch, SQLite)."""
