package openapi

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// methodOrder is the order of a path's operations in the written document, which is the order in
// which Swagger UI shows them: read, create, replace, change, delete.
var methodOrder = []string{"get", "post", "put", "patch", "delete"}

// MarshalJSON writes the document as indented JSON with its keys sorted, except that each path's
// operations come in methodOrder (kin-openapi would sort them: delete, get, patch, post, put).
func MarshalJSON(doc *openapi3.T) ([]byte, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeOrdered(&buf, tree, ""); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// writeOrdered writes v as compact JSON; parent names what v is: "paths" for the paths object,
// "path" for a path item.
func writeOrdered(buf *bytes.Buffer, v any, parent string) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if parent == "path" {
				ra, rb := rank(a), rank(b)
				if ra != rb {
					return ra - rb
				}
			}
			return strings.Compare(a, b)
		})
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeScalar(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			child := ""
			switch {
			case parent == "" && k == "paths":
				child = "paths"
			case parent == "paths":
				child = "path"
			}
			if err := writeOrdered(buf, v[k], child); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeOrdered(buf, x, ""); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		return writeScalar(buf, v)
	}
	return nil
}

func rank(key string) int {
	if i := slices.Index(methodOrder, key); i >= 0 {
		return i
	}
	return len(methodOrder)
}

func writeScalar(buf *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return nil
}
