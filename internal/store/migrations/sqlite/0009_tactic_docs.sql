-- Each tactic's representation, rendered once when it is written (issue 17): a GET or a list page
-- sends these bytes instead of decoding and encoding the tactic on every read. A derived table,
-- kept by the store in the transaction that writes the tactic: version is the tactic's version the
-- document was rendered at, and a reader uses a document only while it matches (else it renders
-- the tactic afresh). The store renders the missing documents when it opens.
CREATE TABLE tactic_docs (
    tactic_id INTEGER PRIMARY KEY REFERENCES tactics (id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL
);
