-- chainkb 1 kept the whole answer of a POST /api/v1/keys sent with an Idempotency-Key, the new key
-- included, for 24 hours. Retries of key creations no longer keep their answer (a retry is 409
-- key_already_created); this forgets the answers kept before, so that no key is stored in clear.
DELETE FROM idempotency_keys WHERE instr(body, '"key":"ckb_') > 0;
