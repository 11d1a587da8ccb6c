package handlers

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/gin-gonic/gin"

	"chainkb/models"
)

// Media types the API reads.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json"
)

// readBody returns the request body after checking its media type against accepted.
func readBody(c *gin.Context, accepted ...string) ([]byte, error) {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || !containsFold(accepted, mt) {
		return nil, &Problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Detail: fmt.Sprintf("Content-Type %q is not accepted here; send %s", ct, strings.Join(accepted, " or "))}
	}
	return ReadAll(c.Request.Body) // capped by package api's http.MaxBytesReader
}

// decodeStrict decodes one JSON object into dst. Unknown fields, wrong types, trailing data and
// anything but an object are errors that name what is wrong.
func decodeStrict(body []byte, dst any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return models.BadRequestf("invalid_json", "request body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		// encoding/json would quietly replace the bad bytes and store mangled text.
		return models.BadRequestf("invalid_json", "request body is not valid UTF-8, which JSON requires")
	}
	if trimmed[0] != '{' {
		// null would decode into an empty struct without complaint; every body here is one object.
		return models.BadRequestf("invalid_json", "request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var perr *time.ParseError
		if errors.As(err, &perr) {
			return timeError(body, dst)
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return models.BadRequestf("invalid_json", "request body has data after the JSON object; send exactly one object")
	}
	if fields := controlFields(body); len(fields) > 0 {
		return models.Invalid(fields...)
	}
	return nil
}

// controlFields names every string of a JSON document, and every member name, that holds a
// control character other than tab, line feed and carriage return (\u0000 and the escapes of
// terminal sequences included), by its JSON pointer without the leading slash. One rule for both
// engines: PostgreSQL cannot store NUL, and no text here needs the others.
func controlFields(body []byte) []models.FieldError {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil // decodeStrict has read it; nothing else gets here
	}
	var out []models.FieldError
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			if models.HasControl(v) {
				out = append(out, models.FieldError{Field: path, Message: models.ControlRule})
			}
		case []any:
			for i, x := range v {
				walk(joinPointer(path, strconv.Itoa(i)), x)
			}
		case map[string]any:
			names := make([]string, 0, len(v))
			for name := range v {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				p := joinPointer(path, pointerEscaper.Replace(name))
				if models.HasControl(name) {
					out = append(out, models.FieldError{Field: p, Message: "is a member name that " + models.ControlRule})
					continue
				}
				walk(p, v[name])
			}
		}
	}
	walk("", doc)
	return out
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func joinPointer(path, token string) string {
	if path == "" {
		return token
	}
	return path + "/" + token
}

// timeError is the 422 of a malformed date and time (expires_at: "90d"): it names the field, found
// by trying each time field of dst's type in body, and says what to send, without Go's time layout.
func timeError(body []byte, dst any) error {
	const msg = "must be a date and time in RFC 3339, such as 2030-01-31T00:00:00Z"
	var fields []models.FieldError
	var obj map[string]json.RawMessage
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if json.Unmarshal(body, &obj) == nil && t.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(t) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			raw, ok := obj[name]
			if ft != reflect.TypeFor[time.Time]() || !ok || string(raw) == "null" {
				continue
			}
			var v time.Time
			if json.Unmarshal(raw, &v) != nil {
				fields = append(fields, models.FieldError{Field: name, Message: msg})
			}
		}
	}
	if len(fields) == 0 {
		fields = []models.FieldError{{Field: "", Message: "a date and time " + msg}}
	}
	return models.Invalid(fields...)
}

// jsonError explains a decoding failure in terms of the request.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return models.BadRequestf("invalid_json", "request body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return models.BadRequestf("invalid_json", "request body is not valid JSON: it ends too early")
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[models.Date]() && typ.Field != "":
		// A string that is not a date: a bad value rather than a wrong type.
		return models.Invalid(models.FieldError{Field: strings.ReplaceAll(typ.Field, ".", "/"), Message: "must be a date, written YYYY-MM-DD"})
	case errors.As(err, &typ):
		if typ.Field == "" {
			return models.BadRequestf("invalid_json", "request body must be a JSON object, not %s", article(typ.Value))
		}
		e := models.BadRequestf("wrong_type", "field %q has the wrong type", typ.Field)
		e.Fields = []models.FieldError{{Field: typ.Field, Message: "must be " + typeName(typ.Type) + ", not " + article(typ.Value)}}
		return e
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field := strings.Trim(name, `"`)
		e := models.BadRequestf("unknown_field", "field %q is not part of this resource", field)
		e.Fields = []models.FieldError{{Field: field, Message: "is not a known field"}}
		return e
	}
	var perr *models.Error
	if errors.As(err, &perr) {
		return perr
	}
	return models.BadRequestf("invalid_json", "request body is not valid JSON: %v", err)
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "an object"
	}
}

func article(jsonKind string) string {
	switch jsonKind {
	case "array", "object":
		return "an " + jsonKind
	case "":
		return "this value"
	}
	return "a " + jsonKind
}

// decodeCreate reads a POST body: one JSON object.
func decodeCreate(c *gin.Context, dst any) error {
	body, err := readBody(c, mediaJSON)
	if err != nil {
		return err
	}
	return decodeStrict(body, dst)
}

// decodeReplace reads a PUT body and the precondition it must meet: If-Match, or the version in
// the body. version points at the body's version field.
func decodeReplace(c *gin.Context, dst any, version **int64) (models.Precondition, error) {
	body, err := readBody(c, mediaJSON)
	if err != nil {
		return models.Precondition{}, err
	}
	if err := decodeStrict(body, dst); err != nil {
		return models.Precondition{}, err
	}
	return requirePrecondition(c, *version)
}

// decodeMergePatch applies an RFC 7396 merge patch from the request to current (the object as a
// GET returns it) and decodes the result into dst. The precondition comes from If-Match or a
// "version" in the patch, and must hold for current; the returned precondition pins the write to
// current's version, so that a concurrent change between this read and the write is a 412, never
// a silent overwrite of the newer state.
func decodeMergePatch(c *gin.Context, current any, id, currentVersion int64, dst any) (models.Precondition, error) {
	var pre models.Precondition
	body, err := readBody(c, mediaMergePatch, mediaJSON)
	if err != nil {
		return pre, err
	}
	if !utf8.Valid(body) {
		return pre, models.BadRequestf("invalid_json", "request body is not valid UTF-8, which JSON requires")
	}
	var patch map[string]json.RawMessage
	if err := json.Unmarshal(body, &patch); err != nil || patch == nil {
		if err != nil && !isTypeError(err) {
			return pre, jsonError(err)
		}
		return pre, models.BadRequestf("invalid_json", "a merge patch must be a JSON object of the fields to change")
	}
	var version *int64
	if raw, ok := patch["version"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &version); err != nil {
			e := models.BadRequestf("wrong_type", `field "version" has the wrong type`)
			e.Fields = []models.FieldError{{Field: "version", Message: "must be a whole number"}}
			return pre, e
		}
	}
	pre, err = requirePrecondition(c, version)
	if err != nil {
		return pre, err
	}
	if !pre.Holds(id, currentVersion) {
		return pre, models.PreconditionFailedf("the object has changed since you read it (it is now at version %d); GET it again, reapply your change and send the new ETag or version", currentVersion)
	}
	base, err := json.Marshal(current)
	if err != nil {
		return pre, err
	}
	merged, err := jsonpatch.MergePatch(base, body)
	if err != nil {
		return pre, models.BadRequestf("invalid_json", "merge patch could not be applied: %v", err)
	}
	if err := decodeStrict(merged, dst); err != nil {
		return pre, err
	}
	return models.Precondition{IfMatch: []models.ObjectVersion{{ID: id, Version: currentVersion}}}, nil
}

func isTypeError(err error) bool {
	var typ *json.UnmarshalTypeError
	return errors.As(err, &typ)
}

// ifMatch reads the precondition of If-Match, which may be absent (DELETE, restore).
func ifMatch(c *gin.Context) models.Precondition {
	var pre models.Precondition
	if h := strings.TrimSpace(c.GetHeader("If-Match")); h != "" {
		if h == "*" {
			pre.AnyExisting = true
		} else {
			for _, tag := range strings.Split(h, ",") {
				v, ok := parseETag(strings.TrimSpace(tag))
				if !ok {
					// An ETag that is not ours can never match the current one.
					v = models.ObjectVersion{ID: -1, Version: -1}
				}
				pre.IfMatch = append(pre.IfMatch, v)
			}
		}
	}
	return pre
}

// requirePrecondition combines If-Match with the version a body carried (nil if none). When
// neither is there, the write is refused with 428: editors must never overwrite each other blind.
func requirePrecondition(c *gin.Context, bodyVersion *int64) (models.Precondition, error) {
	pre := ifMatch(c)
	pre.Version = bodyVersion
	if !pre.Given() {
		return pre, &Problem{Status: http.StatusPreconditionRequired, Code: "precondition_required",
			Detail: `this update needs a precondition: send If-Match with the ETag from your GET, or the "version" you read in the body`}
	}
	return pre, nil
}

// etag is an object's strong ETag: its id and version, which the write preconditions compare, and
// a digest of the representation sent, which changes with everything derived that the version
// does not count (a tag's tactic_count, the tag names embedded in a tactic). If-Match compares
// the id and version only, so it also takes the older "id.version" form.
//
// The digest is xxHash64, not a cryptographic hash: it only has to tell two renderings of one
// version apart, and every read of an object computes it (SHA-256 was 4 % of a get's CPU).
func etag(id, version int64, body []byte) string {
	b := make([]byte, 0, 48)
	b = append(b, '"')
	b = strconv.AppendInt(b, id, 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, version, 10)
	b = append(b, '-')
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], xxhash.Sum64(body))
	b = hex.AppendEncode(b, sum[:])
	b = append(b, '"')
	return string(b)
}

var etagPattern = regexp.MustCompile(`^"([0-9]+)\.([0-9]+)(-[0-9a-f]{16})?"$`)

func parseETag(s string) (models.ObjectVersion, bool) {
	var v models.ObjectVersion
	m := etagPattern.FindStringSubmatch(s) // weak (W/"...") or malformed: If-Match compares strongly
	if m == nil {
		return v, false
	}
	var err1, err2 error
	v.ID, err1 = strconv.ParseInt(m[1], 10, 64)
	v.Version, err2 = strconv.ParseInt(m[2], 10, 64)
	return v, err1 == nil && err2 == nil
}

// noneMatch reports whether If-None-Match names tag (or is "*"), compared weakly as RFC 9110 asks.
func noneMatch(c *gin.Context, tag string) bool {
	h := c.GetHeader("If-None-Match")
	if h == "" {
		return false
	}
	tag = strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(h, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// NoneMatch is noneMatch, for the middleware that revalidates lists.
func NoneMatch(c *gin.Context, tag string) bool { return noneMatch(c, tag) }

// notModified sends tag as the ETag and, if If-None-Match names it, answers 304 and returns true:
// then nothing more is to be sent.
func notModified(c *gin.Context, tag string) bool {
	c.Header("ETag", tag)
	if noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
		return true
	}
	return false
}

// writeTagged sends body, as media, with its ETag tag, or 304 if If-None-Match names the tag; a
// filename makes it an attachment.
func writeTagged(c *gin.Context, tag, media, filename string, body []byte) {
	if notModified(c, tag) {
		return
	}
	if filename != "" {
		c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	c.Data(http.StatusOK, media, body)
}

// writeObject sends an object with its ETag, or 304 to a GET or HEAD whose If-None-Match names it.
func writeObject(c *gin.Context, status int, id, version int64, obj any) {
	body, err := json.Marshal(obj)
	if err != nil {
		c.Error(err)
		return
	}
	writeBody(c, status, id, version, body)
}

// writeBody is writeObject for an object already encoded as body.
func writeBody(c *gin.Context, status int, id, version int64, body []byte) {
	tag := etag(id, version, body)
	c.Writer.Header()["Etag"] = []string{tag} // ETag in its canonical form: no canonicalising on every read
	if (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) && noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(status, "application/json; charset=utf-8", body)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// needsEditor refuses a query parameter that asks for what only editors see (drafts), when the
// caller may not see it: as a route does that needs a role, 401 without a key and 403 with a key
// below editor, rather than an answer that leaves the drafts out without saying so. what is the
// parameter as sent, does what it would do.
func needsEditor(c *gin.Context, what, does string) error {
	p := models.PrincipalFrom(c.Request.Context())
	switch {
	case p.CanSeeHidden():
		return nil
	case p.Role == models.RoleAnonymous:
		return models.Unauthorizedf("%s %s, which only editors see: send Authorization: Bearer <key> with an editor key, or leave it out", what, does)
	default:
		return models.Forbiddenf("%s %s, which only editors see; your key has the %s role: leave it out", what, does, p.Role)
	}
}
