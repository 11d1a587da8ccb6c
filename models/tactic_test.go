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
