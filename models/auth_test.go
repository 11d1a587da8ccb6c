package models

import "testing"

func TestParseRole(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		want   Role
		wantOK bool
	}{
		{"reader", RoleReader, true},
		{"editor", RoleEditor, true},
		{"admin", RoleAdmin, true},
		{"anonymous", RoleAnonymous, false}, // not a role a key can have
		{"Admin", RoleAnonymous, false},
		{"", RoleAnonymous, false},
	} {
		got, ok := ParseRole(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("ParseRole(%q) = %v, %t; want %v, %t", tc.in, got, ok, tc.want, tc.wantOK)
		}
		if ok && got.String() != tc.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
}

func TestPrincipal_CanSeeHidden(t *testing.T) {
	t.Parallel()
	for role, want := range map[Role]bool{RoleAnonymous: false, RoleReader: false, RoleEditor: true, RoleAdmin: true} {
		if got := (Principal{Role: role}).CanSeeHidden(); got != want {
			t.Errorf("%v: CanSeeHidden() = %t, want %t", role, got, want)
		}
	}
}
