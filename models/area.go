package models

import (
	"regexp"
	"strings"

	"golang.org/x/text/language"
)

// An area is where a figure of the risk-reward model holds: global, a country (ISO 3166-1
// alpha-2), the European Union (EU, ISO 3166-1's exceptionally reserved code) or a UN M49 region
// written M49:<three digits> (M49:034 is Southern Asia). Region membership comes from the CLDR
// tables in golang.org/x/text, the same library that checks country codes.

// m49Pattern is a UN M49 area code as chainkb writes it.
var m49Pattern = regexp.MustCompile(`^M49:[0-9]{3}$`)

// AreaRule says what an area may be, for messages.
const AreaRule = "must be global, an ISO 3166-1 alpha-2 country code (IN), EU, or a UN M49 region written M49:<three digits> (M49:034 is Southern Asia)"

// IsArea reports whether s is an area: a jurisdiction, EU or a known M49 region.
func IsArea(s string) bool {
	if IsJurisdiction(s) {
		return true
	}
	_, ok := region(s)
	return ok
}

// IsRegion reports whether s is a region (EU or M49:<code>), not a country or global.
func IsRegion(s string) bool { _, ok := region(s); return ok }

// region parses a region code into x/text's form.
func region(s string) (language.Region, bool) {
	var code string
	switch {
	case s == "EU":
		code = "EU"
	case m49Pattern.MatchString(s):
		code = strings.TrimPrefix(s, "M49:")
	default:
		return language.Region{}, false
	}
	r, err := language.ParseRegion(code)
	if err != nil || r.IsCountry() || r.String() != code {
		return language.Region{}, false
	}
	return r, true
}

// AreaContains reports whether the region area contains the country (both as IsArea writes
// them). A country contains only itself; global contains every area.
func AreaContains(area, country string) bool {
	switch {
	case area == country || area == Global:
		return true
	case !IsJurisdiction(country) || country == Global:
		return false
	}
	r, ok := region(area)
	if !ok {
		return false
	}
	c, err := language.ParseRegion(country)
	return err == nil && r.Contains(c)
}
