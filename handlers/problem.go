// Package handlers holds the endpoint code of chainkb's HTTP API, one file per resource. A handler
// parses the request, calls one store method and encodes the answer; on failure it records the
// error with c.Error and returns, and package api renders it as problem+json.
package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"chainkb/models"
)

// Problem is an RFC 9457 problem detail, the body of every error response
// (Content-Type: application/problem+json).
//
// It is also the error of the failures that exist only in HTTP (413, 415, 428, 429, 503, no route):
// code that meets one records it with c.Error(&Problem{Status: ..., Code: ..., Detail: ...}) and
// package api writes it, filling in Type, Title and Instance. Domain failures stay *models.Error.
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

	// cause is what went wrong inside, for the log; the client never sees it.
	cause error
}

// Error is the detail, and the cause if there is one: what the access log shows.
func (p *Problem) Error() string {
	if p.cause != nil {
		return p.Detail + ": " + p.cause.Error()
	}
	return p.Detail
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.cause }

// TooLarge is the 413 problem of a request body over limit bytes, wherever the limit is found out:
// by the declared length, or while the body is read.
func TooLarge(limit int64) *Problem {
	return &Problem{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
		Detail: fmt.Sprintf("request body is larger than %d bytes, the most this server accepts", limit)}
}

// ReadAll reads a request body that package api has capped with http.MaxBytesReader: a body over
// the cap is the 413 problem, any other failure to read it a 400.
func ReadAll(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, TooLarge(tooLarge.Limit)
		}
		return nil, models.BadRequestf("unreadable_body", "request body could not be read")
	}
	return b, nil
}
