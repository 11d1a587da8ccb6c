-- Countries have a publication status, as tactics do (issue 27): a draft or archived country is
-- seen by editors only. The countries there before were all public knowledge, and stay published.
ALTER TABLE countries ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
CREATE INDEX countries_status ON countries (status, iso);
