package openapi

// Base is the path the API is served under; the probes and the metrics are at the root.
const Base = "/api/v1"

// title, version, description and license are the document's info: what Swagger UI shows first.
const (
	title       = "chainkb API"
	version     = "1.0"
	license     = "Content: cite the sources given in each tactic"
	description = "A curated knowledge base of interventions against sex trafficking and other forms of modern slavery, organised as Kara's business chain (product, wholesaler, retailer, consumer) with the efforts deployed today and what should be done at each link.\n\n" +
		"**Keys.** Anyone may read published content. Writes need an API key with the editor role, sent as `Authorization: Bearer <key>` (in Swagger UI: *Authorize*, paste the key). A key that is sent must be valid, even on a read.\n\n" +
		"**Errors** are RFC 9457 `application/problem+json`: `status`, `title`, `detail` (what to do), `code` (a stable reason) and `errors` (each bad field or parameter).\n\n" +
		"**No lost updates.** Every object has a `version` and an `ETag`. PUT and PATCH need a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body; stale is 412, none is 428.\n\n" +
		"**Lists** come in pages: pass `next_cursor` back as `cursor` (also in the `Link` header). Every request gets an `X-Request-ID` (yours, if you send a sane one), which the history records."
)

// tags are the groups of operations, in the order Swagger UI shows them: every operation's Tag is
// one of them.
var tags = [][2]string{
	{"chains", "Business chains of exploitation, and each as Kara's table"},
	{"stages", "The links of a chain: product, wholesaler, retailer, consumer"},
	{"tactics", "Efforts deployed today and what should be done, at each stage"},
	{"tags", "Facets of tactics: horizon, economic lever, 4P function"},
	{"sources", "The bibliography: works that chains, stages, tags and tactics cite, and where each is cited"},
	{"relations", "Typed links between tactics, within a chain or across chains: complements, prerequisite-of, conflicts-with, duplicates, supersedes, addresses (a tactic to the condition it answers)"},
	{"parameters", "Figures of the risk-reward model (profit, fines, conviction rates, ...) with their sources"},
	{"countries", "Countries: statutory penalties, enforcement figures by year and ratifications, each cited; a country's profile and every country's risk-reward on one chain"},
	{"search", "Full-text search across tactics, sources, stages and chains, best first"},
	{"changes", "The change feed, for partner apps that keep a mirror, and its stream (Server-Sent Events)"},
	{"webhooks", "Webhook subscriptions: the change feed pushed to partner apps, signed after the Standard Webhooks specification"},
	{"bundles", "The whole knowledge base as one bundle: export, and import with a dry run"},
	{"releases", "Releases: fixed, citable states of the published knowledge base, their exports, diffs and citations"},
	{"keys", "API keys and their roles, for admins"},
	{"operations", "Probes for the platform that runs the service; served at the root, not under /api/v1"},
}
