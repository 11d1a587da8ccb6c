// Package apidoc is how an operation of the API describes itself, once, for the OpenAPI document:
// its summary and description, its parameters, its body and its answers, with the Go types of the
// bodies. Each route of the route table (api/routes.go) carries its Op; internal/openapi turns the
// table into docs/openapi.json, adding what every route shares (security from the route's role,
// the errors that middleware gives, problem+json, the Idempotency-Key, headers), and the schemas
// from the Go types and their doc comments.
//
// A resource with the usual eight operations (list, create, get, replace, patch, delete, history,
// restore) is described once as a Resource, whose methods give each operation's Op.
package apidoc

import "net/http"

// Op describes one operation.
type Op struct {
	// ID is the operationId, which generated clients name their methods after: listTactics.
	ID string
	// Tag groups the operation in Swagger UI: one of the tags of internal/openapi's Info.
	Tag string
	// Summary is a short imperative line; Description says what the operation does, in Markdown.
	// The role the route table gives is added to it.
	Summary, Description string
	// Params are the path, query and header parameters, in order. Path parameters are required.
	Params []Param
	// Body is the request body, or nil. A PATCH's body is a JSON Merge Patch of Body's type,
	// which must be the resource's "<Name>Input" type.
	Body *Body
	// Responses are the answers the handler gives; those that middleware gives on any route
	// (400 for a key in the URL, 401, 403, 413, 429, 500) are added from the route table.
	Responses []Response
	// Callbacks are the requests chainkb itself makes, later, to a URL the request named (a
	// webhook's deliveries): what the receiving server gets and should answer.
	Callbacks []Callback
}

// Callback is a request chainkb sends to a partner's server: a POST of Body's JSON type to URL,
// an OpenAPI runtime expression such as {$request.body#/url}.
type Callback struct {
	Name, URL            string
	Summary, Description string
	// Params are the headers sent.
	Params    []Param
	Body      any
	Responses []Response
}

// Documented reports whether the operation is described: routes without (the pages for people,
// Swagger UI, the documents themselves) are not in the OpenAPI document.
func (o Op) Documented() bool { return o.ID != "" }

// Where a parameter is.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
)

// Param is a path, query or header parameter.
type Param struct {
	In, Name, Description string
	// Type is "string" when empty, or "integer", "boolean", or "array" (of strings: the query
	// parameter repeated).
	Type     string
	Required bool
	// Example is what Swagger UI fills in; none for parameters that no one value suits.
	Example  any
	Enum     []string
	Default  any
	Min, Max *float64
	// MaxLength, Pattern and Format narrow a string.
	MaxLength uint64
	Pattern   string
	Format    string
}

// Num is a bound for Param.Min and Param.Max.
func Num(n float64) *float64 { return &n }

// Body is a request body: JSON of Schema's Go type (a zero value of it, e.g. models.TacticInput{}).
type Body struct {
	Description string
	Schema      any
}

// Alt is another media type of an answer: JSON of Body's Go type, or text (a string schema) when
// Body is nil.
type Alt struct {
	Media string
	Body  any
}

// Response is one answer of an operation.
type Response struct {
	Status      int
	Description string
	// Body is a zero value of the Go type of the JSON body, or nil for none. An error (4xx, 5xx)
	// always has the Problem body, as application/problem+json.
	Body any
	// Media is the body's media type when it is not JSON: "text/csv" (a string schema).
	Media string
	// Alt are other media types the answer may take (by Accept or a format parameter).
	Alt []Alt
	// Headers are the response headers the handler sets, by name, with their descriptions.
	Headers map[string]string
}

// OK is a 200 with a JSON body.
func OK(description string, body any, headers map[string]string) Response {
	return Response{Status: http.StatusOK, Description: description, Body: body, Headers: headers}
}

// Fail is an error answer: the body is a problem+json.
func Fail(status int, description string) Response {
	return Response{Status: status, Description: description}
}

// Shared parameters and answers.
var (
	// IfNoneMatch is the precondition of a conditional GET of one object.
	IfNoneMatch = Param{In: InHeader, Name: "If-None-Match", Description: "ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"}
	// IfMatch is the precondition of a PUT or PATCH.
	IfMatch = Param{In: InHeader, Name: "If-Match", Description: "ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"}
	// IfMatchHonoured is the optional precondition of a DELETE or a restore.
	IfMatchHonoured = Param{In: InHeader, Name: "If-Match", Description: "ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"}
	// NotModified is the 304 of a conditional GET.
	NotModified = Response{Status: http.StatusNotModified, Description: "Not modified: the ETag in If-None-Match is current"}
	// LinkHeader is the header of a page that has a next one.
	LinkHeader = map[string]string{"Link": `URL of the next page: <...>; rel="next" (absent on the last page)`}
	// BadListQuery is the 400 of a list.
	BadListQuery = Fail(http.StatusBadRequest, "Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)")
	// BadJSON is the 400 of a write with a body.
	BadJSON = Fail(http.StatusBadRequest, "Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)")
	// NotJSON is the 415 of a write with a JSON body.
	NotJSON = Fail(http.StatusUnsupportedMediaType, "Not application/json (code unsupported_media_type)")
	// TooLarge is the 413 of a write with a body.
	TooLarge = Fail(http.StatusRequestEntityTooLarge, "Body over the limit (code body_too_large)")
	// Invalid is the 422 of a write whose values break a rule.
	Invalid = Fail(http.StatusUnprocessableEntity, "Invalid values; errors names each field (code validation_failed)")
)

// Page returns the parameters of a page of a list, after the list's own: sort (when sort lists
// the fields; the first is the default unless sortDefault is given), limit, cursor, include_total.
func Page(sort []string, sortDefault, sortExample, totalDescription string) []Param {
	var out []Param
	if len(sort) > 0 {
		var enum []string
		for _, f := range sort {
			enum = append(enum, f, "-"+f)
		}
		out = append(out, Param{In: InQuery, Name: "sort", Description: "Sort field, - in front for descending; ties are broken by id",
			Enum: enum, Default: sortDefault, Example: sortExample})
	}
	return append(out,
		Param{In: InQuery, Name: "limit", Type: "integer", Description: "Page size", Min: Num(1), Max: Num(200), Default: 50, Example: 20},
		Param{In: InQuery, Name: "cursor", Description: "next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"},
		Param{In: InQuery, Name: "include_total", Type: "boolean", Description: totalDescription, Example: true},
	)
}

// Requirer is a body type that requires fields its validate rules do not: code other than the
// validator checks them (the import requires a tactic's code in a bundle). The document marks
// them required.
type Requirer interface {
	Required() []string
}
