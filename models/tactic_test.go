package models

import (
	"encoding/json"
	"testing"
)

func TestTagRef_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"Slug", `"short-term"`, "short-term", false},
		{"Object", `{"id": 1, "slug": "short-term", "name": "Short term", "group": "horizon"}`, "short-term", false},
		{"ObjectWithSpace", ` {"slug":"x"}`, "x", false},
		{"Number", `42`, "", true},
		{"BadObject", `{"slug": 1}`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got TagRef
			err := json.Unmarshal([]byte(tc.in), &got)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %t", err, tc.wantErr)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReferences_ValueScan(t *testing.T) {
	t.Parallel()
	v, err := References(nil).Value()
	if err != nil || v != "[]" {
		t.Errorf("nil Value() = %v, %v; want [] (never null)", v, err)
	}
	in := References{{Citation: "Kara 2009", URL: "https://example.org", Locator: "p. 1"}}
	v, err = in.Value()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []any{v, []byte(v.(string))} {
		var out References
		if err := out.Scan(src); err != nil {
			t.Fatalf("Scan(%T): %v", src, err)
		}
		if len(out) != 1 || out[0] != in[0] {
			t.Errorf("Scan(%T) = %+v, want %+v", src, out, in)
		}
	}
	var out References
	if err := out.Scan(nil); err != nil || out == nil || len(out) != 0 {
		t.Errorf("Scan(nil) = %#v, %v; want an empty list", out, err)
	}
	if err := out.Scan(42); err == nil {
		t.Error("Scan(42) = nil, want an error")
	}
}
