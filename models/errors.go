// Package models holds chainkb's domain: the chain, its stages, the tactics at each stage and the
// tags that classify them, the commands that change them, and the errors the domain reports.
// It knows nothing about HTTP or SQL.
package models

import (
	"errors"
	"fmt"
)

// ErrorKind classifies a failure that a client may be told about. How a kind is shown to the
// client is the transport's business: the HTTP layer maps each kind to a status in one table.
type ErrorKind int

// The kinds of client-facing errors.
const (
	KindInvalid            ErrorKind = iota + 1 // well-formed input whose values break a rule
	KindBadRequest                              // malformed input: JSON syntax, unknown field, bad query or cursor
	KindNotFound                                // no such object
	KindConflict                                // slug clash, or delete of something in use
	KindPreconditionFailed                      // the object changed since the client read it (a stale version)
	KindUnauthorized                            // no key, or a key that is not valid
	KindForbidden                               // a valid key without the role
)

// ErrorKinds is every kind, for the transport's table of statuses, which must give each one.
var ErrorKinds = []ErrorKind{KindInvalid, KindBadRequest, KindNotFound, KindConflict, KindPreconditionFailed,
	KindUnauthorized, KindForbidden}

// FieldError names one bad field and what is wrong with it, in words a person can act on.
//
//	@Description	One bad field, query parameter or header, and what is wrong with it.
type FieldError struct {
	// The field's JSON path (e.g. citations/2/source), or the parameter's or header's name.
	Field string `json:"field" example:"title"`
	// What is wrong, in words a person can act on.
	Message string `json:"message" example:"is required"`
}

// Error is a failure the API client may be told about. Detail is safe to show to the client;
// Fields lists per-field problems. Any error that is not an *Error is internal and is never shown.
type Error struct {
	Kind   ErrorKind
	Code   string // a stable machine-readable reason, e.g. "validation_failed"
	Detail string
	Fields []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Detail
	}
	return fmt.Sprintf("%s: %v", e.Detail, e.Fields)
}

// AsError returns the *Error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is an *Error of the given kind.
func IsKind(err error, k ErrorKind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// NotFoundf reports that an object does not exist.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Detail: fmt.Sprintf(format, args...)}
}

// Conflictf reports a slug clash or a delete of something still in use.
func Conflictf(code, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// BadRequestf reports malformed input: a body or query that cannot be read as asked.
func BadRequestf(code, format string, args ...any) *Error {
	return &Error{Kind: KindBadRequest, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// PreconditionFailedf reports a stale If-Match or version.
func PreconditionFailedf(format string, args ...any) *Error {
	return &Error{Kind: KindPreconditionFailed, Code: "precondition_failed", Detail: fmt.Sprintf(format, args...)}
}

// Unauthorizedf reports a missing, unknown, revoked or expired key.
func Unauthorizedf(format string, args ...any) *Error {
	return &Error{Kind: KindUnauthorized, Code: "unauthorized", Detail: fmt.Sprintf(format, args...)}
}

// Forbiddenf reports a valid key whose role does not allow the request.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Detail: fmt.Sprintf(format, args...)}
}

// Invalid reports well-formed input whose values break the rules, one FieldError per bad field.
func Invalid(fields ...FieldError) *Error {
	detail := "1 field is invalid"
	if len(fields) != 1 {
		detail = fmt.Sprintf("%d fields are invalid", len(fields))
	}
	return &Error{Kind: KindInvalid, Code: "validation_failed", Detail: detail, Fields: fields}
}
