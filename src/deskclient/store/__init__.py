"""Storage: the station's SQLite ledger (SQLModel), its migrations and the event outbox."""
