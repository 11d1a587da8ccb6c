-- Migration 0005 made tactics.code UNIQUE, which SQLite enforces with an index of its own
-- (sqlite_autoindex_tactics_1 on code), and also created tactics_code on the same column: two
-- indexes of the same key, both written by every insert. Lookups by code use either; the
-- duplicate goes.
DROP INDEX IF EXISTS tactics_code;
