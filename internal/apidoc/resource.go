package apidoc

import (
	"net/http"
	"strings"
)

// Resource describes a resource with the usual eight operations, once: what every such resource
// shares is written here, and a resource says only what is its own. The methods give each
// operation's Op, named after the resource: listStages, createStage, getStage, replaceStage,
// patchStage, deleteStage, listStageRevisions, restoreStage.
type Resource struct {
	// Tag is the plural ("stages"), Name the singular ("stage").
	Tag, Name string
	// Object is what a GET returns, Input what a client writes, Page a page of Objects and
	// RevisionPage a page of its history: zero values of the Go types (models.Stage{},
	// models.StageInput{}, handlers.StageList{}, handlers.RevisionList{}).
	Object, Input, Page, RevisionPage any
	// ID is the {id} path parameter: what names an object ("Stage id", or "Tag id or slug") and an
	// example. Every {id} is a string in the document (an id, a code or a slug).
	ID Param

	// List: what the list does (its first sentences) and its filters; its sort fields (the
	// default first unless SortDefault says), an example sort.
	ListText string
	ListNote string // a sentence after the paging one
	// ListForbidden is the list's own 403, when a filter needs a role (status=draft); empty: none.
	ListForbidden string
	Filters       []Param
	Sort          []string
	SortDefault   string
	SortExample   string

	// What differs from the common text of each operation, where something does.
	CreateText  string // the first sentences of the create ("Creates a stage in a chain. Its slug must be unique in the chain.")
	GetText     string // the first sentence of the get ("A stage by id, with its ETag.")
	GetOK       string // the 200 of the get, when not "The stage"
	ReplaceText string // a sentence after the first of the replace
	ReplaceNote string // a sentence at the end of the replace and the patch
	PatchList   string // a list field to name as replaced whole ("tags"), or "" for none
	DeleteText  string // the first sentences of the delete
	HistoryNote string // the last sentence of the history
	RestoreNote string // a sentence before If-Match in the restore

	// Errors of this resource: the 409 of a create, and of a replace or patch when
	// UpdateConflict does not say otherwise; the 422 of a create, replace or patch, when not the
	// common one, and of a create alone (CreateInvalid); the 409 of a delete; the 409 and 422 of a
	// restore.
	Conflict, UpdateConflict, Invalid, CreateInvalid, DeleteConflict, RestoreConflict, RestoreInvalid string
}

// opID is the operationId of an operation on the resource: verb + Name + suffix.
func (r Resource) opID(verb, suffix string) string {
	return verb + strings.ToUpper(r.Name[:1]) + r.Name[1:] + suffix
}

func (r Resource) id() Param {
	p := r.ID
	p.In, p.Name, p.Required = InPath, "id", true
	return p
}

func or(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}

func sentence(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// writeErrors are the answers a create, replace or patch may give besides its success.
func (r Resource) writeErrors(badRequest, notJSON Response, conflict, invalid string) []Response {
	out := []Response{badRequest}
	if conflict != "" {
		out = append(out, Fail(http.StatusConflict, conflict))
	}
	return append(out, TooLarge, notJSON, Fail(http.StatusUnprocessableEntity, or(invalid, Invalid.Description)))
}

// List is the list operation: GET /{tag}.
func (r Resource) List() Op {
	params := append(append([]Param{}, r.Filters...), Page(r.Sort, or(r.SortDefault, first(r.Sort)), r.SortExample, "Count all matches (costs a scan)")...)
	responses := []Response{OK("A page of "+r.Tag, r.Page, LinkHeader), BadListQuery}
	if r.ListForbidden != "" {
		responses = append(responses, Fail(http.StatusForbidden, r.ListForbidden))
	}
	return Op{ID: "list" + strings.ToUpper(r.Tag[:1]) + r.Tag[1:], Tag: r.Tag, Summary: "List " + r.Tag,
		Description: sentence(r.ListText, "Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.", r.ListNote),
		Params:      params,
		Responses:   responses,
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// Create is the create operation: POST /{tag}.
func (r Resource) Create() Op {
	return Op{ID: r.opID("create", ""), Tag: r.Tag, Summary: "Create a " + r.Name,
		Description: sentence(r.CreateText, "The answer carries the new "+r.Name+", its `Location` and its `ETag`."),
		Body:        &Body{Description: "The new " + r.Name, Schema: r.Input},
		Responses: append([]Response{{Status: http.StatusCreated, Description: "The " + r.Name + " as created", Body: r.Object,
			Headers: map[string]string{"Location": "Path of the new " + r.Name, "ETag": "Version of the new " + r.Name}}},
			r.writeErrors(BadJSON, NotJSON, r.Conflict, or(r.CreateInvalid, r.Invalid))...),
	}
}

// Get is the get operation: GET /{tag}/{id}.
func (r Resource) Get() Op {
	return Op{ID: r.opID("get", ""), Tag: r.Tag, Summary: "Get a " + r.Name,
		Description: sentence(r.GetText, "With `If-None-Match` naming the current ETag, the answer is 304 without a body."),
		Params:      []Param{r.id(), IfNoneMatch},
		Responses: []Response{
			OK(or(r.GetOK, "The "+r.Name), r.Object, map[string]string{"ETag": "Version of the " + r.Name + ", for If-Match and If-None-Match"}),
			NotModified,
			Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
			Fail(http.StatusNotFound, "No such "+r.Name+" (code not_found)"),
		},
	}
}

// precondition is what a PUT and a PATCH say of their precondition.
const precondition = "Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428."

func (r Resource) updateResponses(notJSON Response) []Response {
	out := []Response{
		OK("The "+r.Name+" as it now is", r.Object, map[string]string{"ETag": "New version of the " + r.Name}),
		Fail(http.StatusNotFound, "No such "+r.Name),
		Fail(http.StatusPreconditionFailed, "The "+r.Name+" changed since you read it: GET it again and reapply your change (code precondition_failed)"),
		Fail(http.StatusPreconditionRequired, "No precondition: send If-Match or the version (code precondition_required)"),
	}
	return append(out, r.writeErrors(Fail(http.StatusBadRequest, "Malformed id, malformed JSON, an unknown field or a wrong type"), notJSON,
		or(r.UpdateConflict, r.Conflict), r.Invalid)...)
}

// Replace is the replace operation: PUT /{tag}/{id}.
func (r Resource) Replace() Op {
	return Op{ID: r.opID("replace", ""), Tag: r.Tag, Summary: "Replace a " + r.Name,
		Description: sentence("Replaces the whole "+r.Name+": what a GET returned, edited, can be sent back as it is (read-only fields are ignored).",
			r.ReplaceText, precondition, r.ReplaceNote),
		Params:    []Param{r.id(), IfMatch},
		Body:      &Body{Description: "The " + r.Name + " as it should be", Schema: r.Input},
		Responses: r.updateResponses(NotJSON),
	}
}

// Patch is the patch operation: PATCH /{tag}/{id}, a JSON Merge Patch.
func (r Resource) Patch() Op {
	list := ""
	if r.PatchList != "" {
		list = "; a list (such as `" + r.PatchList + "`) is replaced whole"
	}
	return Op{ID: r.opID("patch", ""), Tag: r.Tag, Summary: "Update fields of a " + r.Name,
		Description: sentence("A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one"+list+". Needs a precondition like PUT: `If-Match`, or `version` in the patch.",
			r.ReplaceNote),
		Params:    []Param{r.id(), IfMatch},
		Body:      &Body{Description: "The fields to change, and the version you read unless If-Match is sent", Schema: r.Input},
		Responses: r.updateResponses(Fail(http.StatusUnsupportedMediaType, "Not application/merge-patch+json or application/json (code unsupported_media_type)")),
	}
}

// Delete is the delete operation: DELETE /{tag}/{id}.
func (r Resource) Delete() Op {
	out := Op{ID: r.opID("delete", ""), Tag: r.Tag, Summary: "Delete a " + r.Name,
		Description: sentence(r.DeleteText, "`If-Match` is honoured when sent."),
		Params:      []Param{r.id(), IfMatchHonoured},
		Responses: []Response{
			{Status: http.StatusNoContent, Description: "Deleted"},
			Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
			Fail(http.StatusNotFound, "No such "+r.Name),
			Fail(http.StatusPreconditionFailed, "If-Match does not name the current version (code precondition_failed)"),
		},
	}
	if r.DeleteConflict != "" {
		out.Responses = append(out.Responses, Fail(http.StatusConflict, r.DeleteConflict))
	}
	return out
}

// Revisions is the history: GET /{tag}/{id}/revisions.
func (r Resource) Revisions() Op {
	return Op{ID: r.opID("list", "Revisions"), Tag: r.Tag, Summary: "History of a " + r.Name,
		Description: sentence("Every change of the "+r.Name+", newest first: who, when, the request, and the "+r.Name+" as it stood after the change (before it, for a delete).",
			or(r.HistoryNote, "A deleted "+r.Name+" keeps its history.")),
		Params: append([]Param{r.id()}, Page(nil, "", "", "Count all revisions (costs a scan)")...),
		Responses: []Response{
			OK("A page of the "+r.Name+"'s revisions", r.RevisionPage, LinkHeader),
			Fail(http.StatusBadRequest, "Malformed id or query parameter, or a bad cursor"),
			Fail(http.StatusNotFound, "No "+r.Name+" with this id has a history"),
		},
	}
}

// Restore is the restore: POST /{tag}/{id}/revisions/{revision}/restore.
func (r Resource) Restore() Op {
	return Op{ID: r.opID("restore", ""), Tag: r.Tag, Summary: "Restore a " + r.Name + " to a revision",
		Description: sentence("Brings the "+r.Name+" back to the state a revision recorded, as a new revision; a deleted "+r.Name+" comes back under its old id.",
			r.RestoreNote, "`If-Match` is honoured when sent."),
		Params: []Param{r.id(),
			{In: InPath, Name: "revision", Required: true, Pattern: IDPattern, Description: "Revision id, from the " + r.Name + "'s history", Example: "42"},
			IfMatchHonoured},
		Responses: []Response{
			OK("The "+r.Name+" as restored", r.Object, map[string]string{"ETag": "New version of the " + r.Name}),
			Fail(http.StatusBadRequest, "Malformed id or revision (code bad_path)"),
			Fail(http.StatusNotFound, "No such revision of this "+r.Name),
			Fail(http.StatusConflict, r.RestoreConflict),
			Fail(http.StatusPreconditionFailed, "If-Match does not name the current version (code precondition_failed)"),
			Fail(http.StatusUnprocessableEntity, or(r.RestoreInvalid, "The revision's state is no longer valid (code validation_failed)")),
		},
	}
}

// IDPattern is a database id in a path: digits, not 0.
const IDPattern = `^[1-9][0-9]{0,18}$`
