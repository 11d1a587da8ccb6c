// Package handlers holds the endpoint code of chainkb's HTTP API, one file per resource. A handler
// parses the request, calls one store method and encodes the answer; on failure it records the
// error with c.Error and returns, and package api renders it as problem+json.
package handlers

import "chainkb/models"

// Problem is an RFC 9457 problem detail, the body of every error response
// (Content-Type: application/problem+json).
//
//	@Description	An RFC 9457 problem detail: the body of every error response, as application/problem+json.
type Problem struct {
	// Type is "about:blank": the status code and Code say what went wrong.
	Type string `json:"type" example:"about:blank"`
	// Title is the HTTP status text.
	Title string `json:"title" example:"Unprocessable Entity"`
	// Status is the HTTP status code.
	Status int `json:"status" example:"422"`
	// Detail says, for a person, what went wrong and what to do about it.
	Detail string `json:"detail,omitempty" extensions:"x-omitempty" example:"2 fields are invalid"`
	// Instance is the path of the request that failed.
	Instance string `json:"instance,omitempty" extensions:"x-omitempty" example:"/api/v1/tactics"`
	// Code is a stable machine-readable reason, e.g. validation_failed, invalid_json, unknown_field,
	// wrong_type, bad_query, bad_cursor, cursor_mismatch, bad_path, key_in_url, unauthorized,
	// forbidden, not_found, duplicate_slug, in_use, horizon_clash, not_restorable,
	// idempotency_key_reused, idempotency_in_progress, precondition_failed, precondition_required,
	// unsupported_media_type, body_too_large, rate_limited, no_route, method_not_allowed, internal.
	Code string `json:"code,omitempty" extensions:"x-omitempty" example:"validation_failed"`
	// Errors lists each bad field (validation) or query parameter.
	Errors []models.FieldError `json:"errors,omitempty" extensions:"x-omitempty"`
}
