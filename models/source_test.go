package models

import (
	"strings"
	"testing"
	"time"
)

// sourceAt adapts SourceInput's ValidateAt, which takes the time, to the table.
type sourceAt struct {
	in  SourceInput
	now time.Time
}

func (s sourceAt) Validate() error { return s.in.ValidateAt(s.now) }

func day(s string) *Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestSourceInput_ValidateCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	src := func(c *SourceCheck) sourceAt {
		return sourceAt{SourceInput{Slug: "ilo-2024", Title: "Profits and poverty", Type: SourcePrimaryOfficial, Check: c}, now}
	}
	read := func(reading, on, by string) *SourceCheck {
		c := &SourceCheck{Reading: reading, By: by, Passage: "pp. 1-3"}
		if on != "" {
			c.On = day(on)
		}
		return c
	}
	const editor = "chainkb editors (2026-12-07 session)"
	runValidate(t, []validateCase{
		{"NoCheck", src(nil), nil},
		{"FullText", src(read(ReadingFullText, "2026-12-07", editor)), nil},
		{"ExcerptTomorrowInKiribati", src(read(ReadingExcerpt, "2026-12-08", editor)), nil},
		{"NotReadNeedsNothing", src(read(ReadingNotRead, "", "")), nil},
		{"AbstractNeedsDateAndReader", src(read(ReadingAbstract, "", " ")), []string{"check/on", "check/by"}},
		{"UnknownReading", src(read("skimmed", "2026-12-01", editor)), []string{"check/reading"}},
		{"NoReading", src(read("", "2026-12-01", editor)), []string{"check/reading"}},
		{"InTheFuture", src(read(ReadingFullText, "2026-12-09", editor)), []string{"check/on"}},
		{"ReaderWithControlCharacters", src(read(ReadingExcerpt, "2026-12-01", "ed\x1b[2J")), []string{"check/by"}},
	})
}

// A source is verified only when its whole text or the cited passage was read, on the check's
// date; a bare verified date (an old client or bundle) is kept as a not-read claim.
func TestSourceInput_CheckOf(t *testing.T) {
	t.Parallel()
	on := day("2026-12-07")
	for _, tc := range []struct {
		name         string
		in           SourceInput
		wantReading  string
		wantVerified string
	}{
		{"FullText", SourceInput{Check: &SourceCheck{Reading: ReadingFullText, On: on, By: "e"}}, ReadingFullText, "2026-12-07"},
		{"Excerpt", SourceInput{Check: &SourceCheck{Reading: ReadingExcerpt, On: on, By: "e"}}, ReadingExcerpt, "2026-12-07"},
		{"Abstract", SourceInput{Check: &SourceCheck{Reading: ReadingAbstract, On: on, By: "e"}}, ReadingAbstract, ""},
		{"SummaryByOther", SourceInput{Check: &SourceCheck{Reading: ReadingSummaryByOther, On: on, By: "e"}}, ReadingSummaryByOther, ""},
		{"VerifiedIgnoredBesideCheck", SourceInput{Verified: day("2020-01-01"), Check: &SourceCheck{Reading: ReadingAbstract, On: on, By: "e"}}, ReadingAbstract, ""},
		{"LegacyVerifiedAlone", SourceInput{Verified: day("2026-11-29")}, ReadingNotRead, ""},
		{"Nothing", SourceInput{}, ReadingNotRead, ""},
	} {
		c := tc.in.CheckOf()
		got := ""
		if v := c.Verified(); v != nil {
			got = v.String()
		}
		if c.Reading != tc.wantReading || got != tc.wantVerified {
			t.Errorf("%s: reading %q, verified %q; want %q, %q", tc.name, c.Reading, got, tc.wantReading, tc.wantVerified)
		}
	}
	legacy := (&SourceInput{Verified: day("2026-11-29")}).CheckOf()
	if legacy.Passage == "" || !strings.Contains(legacy.Passage, "2026-11-29") {
		t.Errorf("a legacy verified date is not kept in the passage: %q", legacy.Passage)
	}
}
