-- Countries in search (issue 27). A country's name comes from its ISO code (CLDR, in Go), and its
-- statutes are in a JSON array: neither is text SQL can index. Two columns keep them as text,
-- written with the code and the penalties at every write (store.countryColumnsOf), as region
-- and subregion are: name, the English name, and statutes, each penalty's instrument and offence.
-- The data step 0028_countries_search.data fills them for the countries already there. As in
-- migration 0007, the name weighs A, the summary B, the statutes C.
ALTER TABLE countries ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN statutes TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('chainkb', name), 'A') ||
    setweight(to_tsvector('chainkb', summary), 'B') ||
    setweight(to_tsvector('chainkb', statutes), 'C')) STORED;
CREATE INDEX countries_search ON countries USING GIN (search);
