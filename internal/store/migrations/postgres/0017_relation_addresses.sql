-- A relation of type addresses (issue 24): a current or recommended tactic answers a condition.
-- Its ends' kinds are checked by the store; the table only has to admit the type.
ALTER TABLE relations DROP CONSTRAINT relations_type_check;
ALTER TABLE relations ADD CONSTRAINT relations_type_check
    CHECK (type IN ('complements', 'prerequisite-of', 'conflicts-with', 'duplicates', 'supersedes', 'addresses'));
