-- Full-text search (issue 14): a generated tsvector column per searchable table with a GIN
-- index, so that the index changes in the statement that changes the content. Titles weigh A,
-- the next field B, the rest C.
--
-- The text search configuration chainkb folds diacritics (unaccent, installed in public so that
-- every schema of the database shares one) and stems English with the Snowball stemmer without a
-- stop-word list, as SQLite's porter tokenizer keeps every word: "the" and "of" are found on both
-- engines alike.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE TEXT SEARCH DICTIONARY chainkb_english (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION chainkb (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION chainkb
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH public.unaccent, chainkb_english;

ALTER TABLE tactics ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('chainkb', title), 'A') ||
    setweight(to_tsvector('chainkb', summary), 'B') ||
    setweight(to_tsvector('chainkb', description), 'C')) STORED;
CREATE INDEX tactics_search ON tactics USING GIN (search);

ALTER TABLE sources ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('chainkb', title), 'A') ||
    setweight(to_tsvector('chainkb', authors), 'B') ||
    setweight(to_tsvector('chainkb', container || ' ' || note), 'C')) STORED;
CREATE INDEX sources_search ON sources USING GIN (search);

ALTER TABLE stages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('chainkb', name), 'A') ||
    setweight(to_tsvector('chainkb', actor), 'B') ||
    setweight(to_tsvector('chainkb', description), 'C')) STORED;
CREATE INDEX stages_search ON stages USING GIN (search);

ALTER TABLE chains ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('chainkb', name), 'A') ||
    setweight(to_tsvector('chainkb', description), 'C')) STORED;
CREATE INDEX chains_search ON chains USING GIN (search);
