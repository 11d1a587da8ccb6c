package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

// sourceInput is a valid source input.
func sourceInput(slug string) *models.SourceInput {
	return &models.SourceInput{Slug: slug, Title: "Title of " + slug, Type: models.SourcePeerReviewed,
		Authors: []string{"Kara, Siddharth", "Johnson & Johnson"}, Year: ptr(2009), Container: "Columbia University Press"}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func cite(slugs ...string) []models.Citation {
	var cs []models.Citation
	for _, s := range slugs {
		cs = append(cs, models.Citation{Source: s, Locator: "p. 1", Supports: models.SupportsSupports})
	}
	return cs
}

func TestStore_Sources(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()

	t.Run("CRUD", func(t *testing.T) {
		in := sourceInput("kara-2009")
		d, err := models.ParseDate("2026-11-29")
		if err != nil {
			t.Fatal(err)
		}
		in.AccessedOn = &d
		in.Check = &models.SourceCheck{Reading: models.ReadingFullText, On: &d, By: "an editor", Passage: "pp. 1-10"}
		src, err := s.CreateSource(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if src.ID == 0 || src.Version != 1 || src.Language != "en" || src.CreatedAt.IsZero() {
			t.Errorf("created %+v, want an id, version 1, language en and a creation time", src)
		}
		got, err := s.Source(reader(), "kara-2009")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != src.ID || !slices.Equal(got.Authors, in.Authors) || got.Year == nil || *got.Year != 2009 ||
			got.AccessedOn == nil || got.AccessedOn.String() != "2026-11-29" || got.Verified == nil || got.Title != in.Title {
			t.Errorf("read back %+v, want what was written (%+v)", got, in)
		}
		if len(got.CitedBy) != 0 {
			t.Errorf("cited_by = %v, want nothing", got.CitedBy)
		}
		byID, err := s.Source(reader(), idStr(src.ID))
		if err != nil || byID.Slug != "kara-2009" {
			t.Fatalf("by id: %v, %v", byID, err)
		}

		in.Year, in.Check, in.Title = nil, nil, "New title"
		up, err := s.ReplaceSource(ctx, "kara-2009", in, models.Precondition{Version: ptr(int64(1))})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || up.Year != nil || up.Verified != nil || up.Title != "New title" {
			t.Errorf("replaced %+v, want version 2, no year, not verified, the new title", up)
		}
		_, err = s.ReplaceSource(ctx, "kara-2009", in, models.Precondition{Version: ptr(int64(1))})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")

		_, err = s.CreateSource(ctx, sourceInput("kara-2009"))
		wantKind(t, err, models.KindConflict, "duplicate_slug")

		if err := s.DeleteSource(ctx, "kara-2009", models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Source(ctx, "kara-2009")
		wantKind(t, err, models.KindNotFound, "not_found")
	})

	t.Run("BadInput", func(t *testing.T) {
		in := sourceInput("bad")
		in.Type, in.DOI, in.URL, in.Language = "blog", "not a doi", "ftp://example.org/x", "not a language!"
		in.Authors = []string{" "}
		_, err := s.CreateSource(ctx, in)
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		for _, f := range []string{"type", "doi", "url", "language", "authors/0"} {
			if !slices.Contains(fieldsOf(e), f) {
				t.Errorf("fields %v, want %s among them", fieldsOf(e), f)
			}
		}
	})

	t.Run("List", func(t *testing.T) {
		for i, slug := range []string{"list-a", "list-b", "list-c"} {
			in := sourceInput(slug)
			in.Year = ptr(2000 + i)
			if i == 2 {
				in.Type, in.Year = models.SourceNews, nil
			}
			if _, err := s.CreateSource(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		slugsOf := func(f models.SourceFilter) []string {
			t.Helper()
			f.Limit = 100
			page, err := s.Sources(reader(), f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, src := range page.Items {
				if strings.HasPrefix(src.Slug, "list-") {
					out = append(out, src.Slug)
				}
			}
			return out
		}
		for _, c := range []struct {
			f    models.SourceFilter
			want []string
		}{
			{models.SourceFilter{}, []string{"list-a", "list-b", "list-c"}},
			{models.SourceFilter{Type: models.SourceNews}, []string{"list-c"}},
			{models.SourceFilter{YearFrom: 2001}, []string{"list-b"}},
			{models.SourceFilter{YearTo: 2000}, []string{"list-a"}},
			{models.SourceFilter{Q: "JOHNSON", Page: models.Page{Sort: "slug"}}, []string{"list-a", "list-b", "list-c"}},
			{models.SourceFilter{Q: "title of list-b"}, []string{"list-b"}},
			{models.SourceFilter{Page: models.Page{Sort: "-slug"}}, []string{"list-c", "list-b", "list-a"}},
		} {
			if got := slugsOf(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		// Pages of one follow each other.
		var seen []string
		f := models.SourceFilter{Q: "list-", Page: models.Page{Limit: 1}}
		for _, src := range allPages(t, "sources", 10, func(cursor string) (models.List[models.Source], error) {
			f.Cursor = cursor
			return s.Sources(reader(), f)
		}) {
			seen = append(seen, src.Slug)
		}
		if !slices.Equal(seen, []string{"list-a", "list-b", "list-c"}) {
			t.Errorf("paged: %v", seen)
		}
	})

	t.Run("CitedSource", func(t *testing.T) {
		if _, err := s.CreateSource(ctx, sourceInput("cited")); err != nil {
			t.Fatal(err)
		}
		c := mustCreateChain(t, s, "citing-chain")
		in := &models.ChainInput{Slug: c.Slug, Name: c.Name, Citations: cite("cited")}
		c, err := s.ReplaceChain(ctx, c.Slug, in, models.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Citations) != 1 || c.Citations[0].Source != "cited" {
			t.Errorf("chain citations %+v", c.Citations)
		}
		st := mustCreateStage(t, s, c.ID, "citing-stage", 1)
		sin := &models.StageInput{ChainID: &c.ID, Slug: st.Slug, Name: st.Name, Actor: st.Actor, Side: st.Side,
			Position: &st.Position, Citations: cite("cited", "cited")}
		if _, err := s.ReplaceStage(ctx, st.ID, sin, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		tg, err := s.CreateTag(ctx, &models.TagInput{Slug: "citing-tag", Name: "Citing", Group: "lever", Citations: cite("cited")})
		if err != nil {
			t.Fatal(err)
		}
		// Reads fill the citations in.
		if got, err := s.Stage(reader(), st.ID); err != nil || len(got.Citations) != 2 {
			t.Errorf("stage read back: %+v, %v", got, err)
		}
		if got, err := s.Tag(reader(), tg.Slug); err != nil || len(got.Citations) != 1 {
			t.Errorf("tag read back: %+v, %v", got, err)
		}
		tin := tacticInput(st.ID, "Published citing tactic")
		tin.Citations = cite("cited")
		pub, err := s.CreateTactic(ctx, tin)
		if err != nil {
			t.Fatal(err)
		}
		tin = tacticInput(st.ID, "Draft citing tactic")
		tin.Status, tin.Citations = models.StatusDraft, cite("cited")
		draft, err := s.CreateTactic(ctx, tin)
		if err != nil {
			t.Fatal(err)
		}

		uses := func(ctx context.Context) []string {
			t.Helper()
			src, err := s.Source(ctx, "cited")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range src.CitedBy {
				out = append(out, u.Entity+" "+idStr(u.ID)+" "+u.Key+" "+u.Title)
			}
			return out
		}
		want := []string{
			"chain " + idStr(c.ID) + " citing-chain " + c.Name,
			"stage " + idStr(st.ID) + " citing-stage " + st.Name,
			"tactic " + idStr(pub.ID) + " " + pub.Code + " " + pub.Title,
		}
		withDraft := slices.Insert(slices.Clone(want), 3, "tactic "+idStr(draft.ID)+" "+draft.Code+" "+draft.Title)
		want = append(want, "tag "+idStr(tg.ID)+" citing-tag Citing")
		withDraft = append(withDraft, "tag "+idStr(tg.ID)+" citing-tag Citing")
		if got := uses(reader()); !slices.Equal(got, want) {
			t.Errorf("cited_by for a reader:\n got %q\nwant %q", got, want)
		}
		if got := uses(ctx); !slices.Equal(got, withDraft) {
			t.Errorf("cited_by for an editor:\n got %q\nwant %q", got, withDraft)
		}

		// Five objects cite it, the draft included.
		err = s.DeleteSource(ctx, "cited", models.Precondition{})
		e := wantKind(t, err, models.KindConflict, "in_use")
		if !strings.Contains(e.Detail, "5 object(s)") {
			t.Errorf("detail %q, want the count 5", e.Detail)
		}
		// Its slug is what citations name.
		rename := sourceInput("cited-renamed")
		_, err = s.ReplaceSource(ctx, "cited", rename, models.Precondition{})
		wantKind(t, err, models.KindConflict, "in_use")

		// Once nothing cites it, it goes.
		for _, id := range []int64{pub.ID, draft.ID} {
			if err := s.DeleteTactic(ctx, id, models.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteTag(ctx, tg.Slug, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		sin.Citations = nil
		if _, err := s.ReplaceStage(ctx, st.ID, sin, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		in.Citations = nil
		if _, err := s.ReplaceChain(ctx, c.Slug, in, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		if got := uses(ctx); len(got) != 0 {
			t.Errorf("cited_by after the citations went: %v", got)
		}
		if err := s.DeleteSource(ctx, "cited", models.Precondition{}); err != nil {
			t.Fatal(err)
		}

		// A citation of the deleted source is refused, at its pointer.
		in.Citations = cite("cited")
		_, err = s.ReplaceChain(ctx, c.Slug, in, models.Precondition{})
		e = wantKind(t, err, models.KindInvalid, "validation_failed")
		if !slices.Equal(fieldsOf(e), []string{"citations/0/source"}) {
			t.Errorf("fields %v, want citations/0/source", fieldsOf(e))
		}

		// The chain and the tag cannot go back to revisions that cite it...
		revs, err := s.Revisions(ctx, models.EntityChain, c.Slug, models.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var citing int64
		for _, r := range revs.Items {
			if strings.Contains(string(r.Data), `"source":"cited"`) {
				citing = r.ID
			}
		}
		_, err = s.RestoreChain(ctx, c.Slug, citing, models.Precondition{})
		e = wantKind(t, err, models.KindConflict, "not_restorable")
		if !strings.Contains(e.Detail, "cited") {
			t.Errorf("detail %q, want the source named", e.Detail)
		}
		tagRevs, err := s.Revisions(ctx, models.EntityTag, tg.Slug, models.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RestoreTag(ctx, tg.Slug, tagRevs.Items[len(tagRevs.Items)-1].ID, models.Precondition{})
		wantKind(t, err, models.KindConflict, "not_restorable")

		// ...until the source is back: a restore of a source is plain.
		srcRevs, err := s.Revisions(ctx, models.EntitySource, "cited", models.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.RestoreSource(ctx, "cited", srcRevs.Items[len(srcRevs.Items)-1].ID, models.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		if back.Slug != "cited" || back.Version != 2 {
			t.Errorf("restored source %+v, want slug cited at version 2 (created at 1, deleted at 1)", back)
		}
		if _, err := s.RestoreTag(ctx, tg.Slug, tagRevs.Items[len(tagRevs.Items)-1].ID, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RestoreChain(ctx, c.Slug, citing, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		if got := uses(ctx); len(got) != 2 {
			t.Errorf("cited_by after the restores: %v, want the chain and the tag", got)
		}
	})

	t.Run("UnknownSourceWritesNothing", func(t *testing.T) {
		_, err := s.CreateTag(ctx, &models.TagInput{Slug: "nothing-written", Name: "N", Group: "lever",
			Citations: append(cite("cited"), cite("no-such-source")...)})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if !slices.Equal(fieldsOf(e), []string{"citations/1/source"}) {
			t.Errorf("fields %v, want citations/1/source", fieldsOf(e))
		}
		_, err = s.Tag(ctx, "nothing-written")
		wantKind(t, err, models.KindNotFound, "not_found")
	})
}

// A source's check record: stored and read back, verified derived from it (the check's date for a
// full-text or excerpt reading, else null), a bare verified date kept as a not-read claim, the
// list filtered by reading and by verified, and the revisions carrying the check.
func TestStore_SourceCheck(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	on, _ := models.ParseDate("2026-12-07")
	legacy, _ := models.ParseDate("2026-11-29")
	check := func(reading string) *models.SourceCheck {
		return &models.SourceCheck{Reading: reading, On: &on, By: "chainkb editors", Passage: "https://example.org/report, section 2"}
	}
	for _, c := range []struct {
		slug, wantReading, wantVerified string
		check                           *models.SourceCheck
		verified                        *models.Date
	}{
		{"chk-full", models.ReadingFullText, "2026-12-07", check(models.ReadingFullText), nil},
		{"chk-excerpt", models.ReadingExcerpt, "2026-12-07", check(models.ReadingExcerpt), &legacy},
		{"chk-abstract", models.ReadingAbstract, "", check(models.ReadingAbstract), &legacy},
		{"chk-other", models.ReadingSummaryByOther, "", check(models.ReadingSummaryByOther), nil},
		{"chk-legacy", models.ReadingNotRead, "", nil, &legacy},
		{"chk-none", models.ReadingNotRead, "", nil, nil},
	} {
		in := sourceInput(c.slug)
		in.Check, in.Verified = c.check, c.verified
		created, err := s.CreateSource(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", c.slug, err)
		}
		got, err := s.Source(reader(), c.slug)
		if err != nil {
			t.Fatal(err)
		}
		verified := ""
		if got.Verified != nil {
			verified = got.Verified.String()
		}
		if got.Check.Reading != c.wantReading || verified != c.wantVerified || created.Check.Reading != c.wantReading {
			t.Errorf("%s: reading %q, verified %q; want %q, %q", c.slug, got.Check.Reading, verified, c.wantReading, c.wantVerified)
		}
		if c.check != nil && (got.Check.By != c.check.By || got.Check.Passage != c.check.Passage || got.Check.On == nil || *got.Check.On != on) {
			t.Errorf("%s: check read back as %+v, want %+v", c.slug, got.Check, *c.check)
		}
		if c.slug == "chk-legacy" && !strings.Contains(got.Check.Passage, "2026-11-29") {
			t.Errorf("a bare verified date is lost: passage %q", got.Check.Passage)
		}
	}

	slugsOf := func(f models.SourceFilter) []string {
		t.Helper()
		f.Limit, f.Q = 100, "chk"
		f.Sort = "slug"
		page, err := s.Sources(reader(), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, src := range page.Items {
			out = append(out, src.Slug)
		}
		return out
	}
	for _, c := range []struct {
		f    models.SourceFilter
		want []string
	}{
		{models.SourceFilter{Verified: ptr(true)}, []string{"chk-excerpt", "chk-full"}},
		{models.SourceFilter{Verified: ptr(false)}, []string{"chk-abstract", "chk-legacy", "chk-none", "chk-other"}},
		{models.SourceFilter{Readings: []string{models.ReadingAbstract, models.ReadingSummaryByOther}}, []string{"chk-abstract", "chk-other"}},
		{models.SourceFilter{Readings: []string{models.ReadingNotRead}, Verified: ptr(true)}, nil},
	} {
		if got := slugsOf(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}

	// A bad check is refused whole, and changes nothing.
	in := sourceInput("chk-full")
	in.Check = &models.SourceCheck{Reading: "skimmed"}
	_, err := s.ReplaceSource(ctx, "chk-full", in, models.Precondition{})
	e := wantKind(t, err, models.KindInvalid, "validation_failed")
	if !slices.Equal(fieldsOf(e), []string{"check/reading"}) {
		t.Errorf("fields %v, want [check/reading]", fieldsOf(e))
	}
	in.Check = &models.SourceCheck{Reading: models.ReadingExcerpt}
	_, err = s.ReplaceSource(ctx, "chk-full", in, models.Precondition{})
	e = wantKind(t, err, models.KindInvalid, "validation_failed")
	if !slices.Equal(fieldsOf(e), []string{"check/on", "check/by"}) {
		t.Errorf("fields %v, want [check/on check/by]", fieldsOf(e))
	}
	if got, _ := s.Source(reader(), "chk-full"); got.Version != 1 || got.Check.Reading != models.ReadingFullText {
		t.Errorf("a refused write changed the source: %+v", got)
	}

	// Downgrading the check un-verifies the source; the history keeps both checks.
	in.Check = check(models.ReadingAbstract)
	up, err := s.ReplaceSource(ctx, "chk-full", in, models.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	if up.Verified != nil || up.Check.Reading != models.ReadingAbstract {
		t.Errorf("after a downgrade: %+v", up)
	}
	revs, err := s.Revisions(ctx, models.EntitySource, "chk-full", models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var readings []string
	for _, r := range revs.Items {
		var src models.Source
		if err := json.Unmarshal(r.Data, &src); err != nil {
			t.Fatal(err)
		}
		readings = append(readings, src.Check.Reading)
	}
	if !slices.Equal(readings, []string{models.ReadingAbstract, models.ReadingFullText}) {
		t.Errorf("revisions carry readings %v, want [abstract full-text]", readings)
	}
}
