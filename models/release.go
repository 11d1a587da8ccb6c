package models

import (
	"regexp"
	"time"
)

// EntityRelease is a release in the change feed: the one entity that is not a resource of the
// store's registry. A release is not content of the knowledge base (it is not in a bundle and is
// never imported); it is a fixed, citable state of it, and cutting one is a change that the feed,
// its stream and webhooks report (action create; a release never changes afterwards).
const EntityRelease Entity = "release"

// releaseVersion is what a release's version looks like: CalVer (2026.12.0) or SemVer (1.4.2),
// three dot-separated numbers without leading zeros, and an optional pre-release after a hyphen.
var releaseVersion = regexp.MustCompile(`^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$`)

// IsReleaseVersion reports whether s is a valid release version.
func IsReleaseVersion(s string) bool { return len(s) <= 64 && releaseVersion.MatchString(s) }

// Release is a fixed state of the published knowledge base: its bundle, kept byte for byte, the
// digest of those bytes, and what changed since the release before it.
//
//	@Description	A fixed, citable state of the published knowledge base: its bundle kept byte for byte (GET /releases/{version}/export), the SHA-256 digest of those bytes, and the changelog since the release before it. A release never changes and is never deleted.
type Release struct {
	// The release's version: CalVer (2026.12.0) or SemVer; unique.
	Version string `json:"version" example:"2026.12.0"`
	// What the editors say of the release.
	Notes string `json:"notes" example:"First citable release: the sex-trafficking and forced-labour chains."`
	// SHA-256 of the release's bundle, as GET /releases/{version}/export sends it: sha256:<hex>.
	Digest string `json:"digest" example:"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	// Size of the bundle in bytes.
	Size int64 `json:"size" example:"183422"`
	// When the release was cut (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-12-07T09:00:00Z"`
	// Who cut it: the key's holder and the key.
	CreatedBy string `json:"created_by" example:"Jane (key 3)"`
	// The knowledge base's generation (the change feed's last id) that the release holds: every
	// change up to it is in, none after it.
	Generation int64 `json:"generation" example:"412"`
	// How many objects of each resource the release holds, by plural (sources, tactics, ...).
	Counts map[string]int `json:"counts"`
	// What changed since the release before it.
	Changelog Changelog `json:"changelog"`
}

// Changelog is what changed in the published knowledge base between a release and the one before.
//
//	@Description	What changed in the published knowledge base since the previous release: the objects added, changed (with the fields that changed) and removed, each by its entity and its key in a bundle (slug, chain/slug, code, or from type to). The revisions behind them are the change feed's entries after from_generation up to to_generation.
type Changelog struct {
	// The previous release's version, or null for the first release.
	Since *string `json:"since" extensions:"x-nullable" example:"2026.11.0"`
	// The generation of the previous release (0 for the first): the change feed after it (GET /changes?after=) lists the revisions behind this changelog, drafts' included.
	FromGeneration int64 `json:"from_generation" example:"380"`
	// The generation of this release.
	ToGeneration int64 `json:"to_generation" example:"412"`
	// Objects published since the previous release.
	Added []ChangeEntry `json:"added"`
	// Objects that changed, with the fields that changed.
	Changed []ChangeEntry `json:"changed"`
	// Objects no longer published (deleted, or drafted again).
	Removed []ChangeEntry `json:"removed"`
}

// ChangeEntry names one object of a changelog.
//
//	@Description	One object of a changelog: its entity, its key in a bundle and, if it changed, the fields that did.
type ChangeEntry struct {
	// The kind of object.
	Entity Entity `json:"entity" example:"tactic"`
	// The object's key in a bundle: a slug, chain/slug (stages), a code (tactics), or "from type to" (relations).
	Key string `json:"key" example:"ST-R-R01"`
	// For a changed object, the fields that changed, in the bundle's order.
	Fields []string `json:"fields,omitempty" example:"title,summary"`
}

// NewRelease cuts a release.
//
//	@Description	A release to cut: its version and notes. The release holds the published knowledge base as it is when it is cut.
type NewRelease struct {
	// CalVer (2026.12.0) or SemVer (1.4.2): three numbers without leading zeros, an optional pre-release after a hyphen; unique.
	Version string `json:"version" validate:"required,max=64" example:"2026.12.0"`
	// What the editors say of the release.
	Notes string `json:"notes" validate:"max=10000" example:"First citable release."`
}

// Validate checks a release input: its fields' rules, and the version's form.
func (in *NewRelease) Validate() error {
	if err := check(in); err != nil {
		return err
	}
	if !IsReleaseVersion(in.Version) {
		return Invalid(FieldError{Field: "version", Message: "must be a version such as 2026.12.0 or 1.4.2 (three numbers without leading zeros, an optional -pre-release)"})
	}
	return nil
}

// ReleaseDiff is what differs between two releases, object by object and field by field.
//
//	@Description	What differs between two releases: objects only in the second (added), only in the first (removed), and in both with different fields (changed, each field with its value in each release).
type ReleaseDiff struct {
	// The first release's version.
	From string `json:"from" example:"2026.11.0"`
	// The second release's version.
	To string `json:"to" example:"2026.12.0"`
	// Objects only in the second release.
	Added []ChangeEntry `json:"added"`
	// Objects in both releases whose fields differ.
	Changed []DiffEntry `json:"changed"`
	// Objects only in the first release.
	Removed []ChangeEntry `json:"removed"`
}

// DiffEntry is one object that differs between two releases.
//
//	@Description	One object that differs between two releases: its entity, its key, its versions and each field that differs.
type DiffEntry struct {
	// The kind of object.
	Entity Entity `json:"entity" example:"tactic"`
	// The object's key in a bundle.
	Key string `json:"key" example:"ST-R-R01"`
	// Each field that differs, in the bundle's order.
	Fields []FieldDiff `json:"fields"`
}

// FieldDiff is one field of an object as two releases hold it.
//
//	@Description	One field of an object in each of two releases; a field that one release lacks is null there.
type FieldDiff struct {
	// The field's name in the bundle.
	Field string `json:"field" example:"title"`
	// Its value in the first release.
	From any `json:"from"`
	// Its value in the second release.
	To any `json:"to"`
}
