package models

// ErrorCodes is every value the `code` of a problem+json answer can take: the one list that the
// OpenAPI document's Problem.code enum and the README's list of codes are made from and checked
// against. A test (models/codes_test.go) reads the Go source for every code the server can emit
// and fails if one is missing here; add a new code here first.
var ErrorCodes = []string{
	// 400: the request cannot be read as asked.
	"invalid_json", "unknown_field", "wrong_type", "unreadable_body", "bad_query", "bad_sort",
	"bad_cursor", "cursor_mismatch", "bad_path", "key_in_url", "bad_idempotency_key", "bad_authorization",
	// 401, 403, 404, 405.
	"unauthorized", "forbidden", "not_found", "no_route", "method_not_allowed", "release_immutable",
	// 406.
	"not_acceptable",
	// 409.
	"duplicate", "duplicate_slug", "duplicate_code", "duplicate_relation", "in_use", "horizon_clash",
	"not_restorable", "idempotency_in_progress", "key_already_created", "import_conflict",
	"write_conflict", "version_limit",
	"webhook_disabled", "delivery_pending", "duplicate_version",
	// 412, 413, 415, 422, 428, 429.
	"precondition_failed", "body_too_large", "unsupported_media_type", "validation_failed",
	"idempotency_key_reused", "precondition_required", "rate_limited",
	// 500, 503.
	"internal", "not_ready",
}
