-- Full-text search (issue 14): an FTS5 index per searchable table, with the porter stemmer over
-- unicode61 (case and diacritics folded), kept by triggers in the transaction that changes the
-- content. The indexes are external-content tables: they hold the terms, and snippets read the
-- text from the content table, so nothing is stored twice. FTS5 needs the driver built with
-- -tags sqlite_fts5; without it this migration fails with "no such module: fts5", which the
-- store reports naming the tag.

CREATE VIRTUAL TABLE tactics_fts USING fts5(title, summary, description,
    content='tactics', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER tactics_fts_insert AFTER INSERT ON tactics BEGIN
    INSERT INTO tactics_fts (rowid, title, summary, description) VALUES (new.id, new.title, new.summary, new.description);
END;
CREATE TRIGGER tactics_fts_delete AFTER DELETE ON tactics BEGIN
    INSERT INTO tactics_fts (tactics_fts, rowid, title, summary, description) VALUES ('delete', old.id, old.title, old.summary, old.description);
END;
CREATE TRIGGER tactics_fts_update AFTER UPDATE OF title, summary, description ON tactics BEGIN
    INSERT INTO tactics_fts (tactics_fts, rowid, title, summary, description) VALUES ('delete', old.id, old.title, old.summary, old.description);
    INSERT INTO tactics_fts (rowid, title, summary, description) VALUES (new.id, new.title, new.summary, new.description);
END;
INSERT INTO tactics_fts (tactics_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE sources_fts USING fts5(title, authors, container, note,
    content='sources', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER sources_fts_insert AFTER INSERT ON sources BEGIN
    INSERT INTO sources_fts (rowid, title, authors, container, note) VALUES (new.id, new.title, new.authors, new.container, new.note);
END;
CREATE TRIGGER sources_fts_delete AFTER DELETE ON sources BEGIN
    INSERT INTO sources_fts (sources_fts, rowid, title, authors, container, note) VALUES ('delete', old.id, old.title, old.authors, old.container, old.note);
END;
CREATE TRIGGER sources_fts_update AFTER UPDATE OF title, authors, container, note ON sources BEGIN
    INSERT INTO sources_fts (sources_fts, rowid, title, authors, container, note) VALUES ('delete', old.id, old.title, old.authors, old.container, old.note);
    INSERT INTO sources_fts (rowid, title, authors, container, note) VALUES (new.id, new.title, new.authors, new.container, new.note);
END;
INSERT INTO sources_fts (sources_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE stages_fts USING fts5(name, actor, description,
    content='stages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER stages_fts_insert AFTER INSERT ON stages BEGIN
    INSERT INTO stages_fts (rowid, name, actor, description) VALUES (new.id, new.name, new.actor, new.description);
END;
CREATE TRIGGER stages_fts_delete AFTER DELETE ON stages BEGIN
    INSERT INTO stages_fts (stages_fts, rowid, name, actor, description) VALUES ('delete', old.id, old.name, old.actor, old.description);
END;
CREATE TRIGGER stages_fts_update AFTER UPDATE OF name, actor, description ON stages BEGIN
    INSERT INTO stages_fts (stages_fts, rowid, name, actor, description) VALUES ('delete', old.id, old.name, old.actor, old.description);
    INSERT INTO stages_fts (rowid, name, actor, description) VALUES (new.id, new.name, new.actor, new.description);
END;
INSERT INTO stages_fts (stages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE chains_fts USING fts5(name, description,
    content='chains', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER chains_fts_insert AFTER INSERT ON chains BEGIN
    INSERT INTO chains_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER chains_fts_delete AFTER DELETE ON chains BEGIN
    INSERT INTO chains_fts (chains_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER chains_fts_update AFTER UPDATE OF name, description ON chains BEGIN
    INSERT INTO chains_fts (chains_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO chains_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
INSERT INTO chains_fts (chains_fts) VALUES ('rebuild');
