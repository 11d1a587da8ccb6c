package models

import "testing"

func TestPrecondition_Holds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		pre       Precondition
		id, ver   int64
		wantHolds bool
		wantGiven bool
	}{
		{"None", Precondition{}, 1, 3, true, false},
		{"VersionCurrent", Precondition{Version: ptr(int64(3))}, 1, 3, true, true},
		{"VersionStale", Precondition{Version: ptr(int64(2))}, 1, 3, false, true},
		{"IfMatchOneOf", Precondition{IfMatch: []ObjectVersion{{1, 2}, {1, 3}}}, 1, 3, true, true},
		{"IfMatchOtherObject", Precondition{IfMatch: []ObjectVersion{{2, 3}}}, 1, 3, false, true},
		{"IfMatchAnyObject", Precondition{IfMatch: []ObjectVersion{{0, 3}}}, 1, 3, true, true},
		{"IfMatchAndStaleVersion", Precondition{IfMatch: []ObjectVersion{{1, 3}}, Version: ptr(int64(2))}, 1, 3, false, true},
		{"AnyExisting", Precondition{AnyExisting: true}, 1, 3, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.pre.Holds(tc.id, tc.ver); got != tc.wantHolds {
				t.Errorf("Holds(%d, %d) = %t, want %t", tc.id, tc.ver, got, tc.wantHolds)
			}
			if got := tc.pre.Given(); got != tc.wantGiven {
				t.Errorf("Given() = %t, want %t", got, tc.wantGiven)
			}
		})
	}
}
