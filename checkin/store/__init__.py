"""Storage: the tables, opening the database (with its migrations), and the outbox every local write is recorded in."""
