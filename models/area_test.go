package models

import "testing"

func TestAreas(t *testing.T) {
	for _, s := range []string{"global", "IN", "EU", "M49:034", "M49:150", "M49:419"} {
		if !IsArea(s) {
			t.Errorf("IsArea(%q) = false", s)
		}
	}
	for _, s := range []string{"", "in", "XX", "M49:999", "M49:34", "034", "M49:356", "Asia"} {
		if IsArea(s) {
			t.Errorf("IsArea(%q) = true", s)
		}
	}
	for _, c := range []struct {
		area, country string
		want          bool
	}{
		{"M49:034", "IN", true}, {"M49:034", "DE", false}, {"EU", "DE", true}, {"EU", "NO", false},
		{"global", "IN", true}, {"IN", "IN", true}, {"IN", "PK", false}, {"M49:150", "global", false},
	} {
		if got := AreaContains(c.area, c.country); got != c.want {
			t.Errorf("AreaContains(%q, %q) = %v, want %v", c.area, c.country, got, c.want)
		}
	}
}
