// Command chainkb serves a curated knowledge base of interventions against sex trafficking and
// other forms of modern slavery, organised as Siddharth Kara's business chain: product (victim),
// wholesaler (trafficker), retailer (exploiter) and consumer.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"chainkb/internal/cli"
)

// The API's documents, from the annotations on the handlers and the models: swag's Swagger 2.0,
// the OpenAPI 3.0 made from it (docs/openapi.*), and the Go client generated from that. Run
// "go generate ." after changing an annotation, and commit docs/ and internal/client/.
//go:generate go tool swag init -g main.go -o docs --parseInternal --quiet
//go:generate go run ./internal/openapi/cmd/gen
//go:generate go tool oapi-codegen -config internal/client/oapi-codegen.yaml docs/openapi.json

//	@title				chainkb API
//	@version			1.0
//	@description		A curated knowledge base of interventions against sex trafficking and other forms of modern slavery, organised as Kara's business chain (product, wholesaler, retailer, consumer) with the efforts deployed today and what should be done at each link.
//	@description
//	@description		**Keys.** Anyone may read published content. Writes need an API key with the editor role, sent as `Authorization: Bearer <key>` (in Swagger UI: *Authorize*, paste the key). A key that is sent must be valid, even on a read.
//	@description
//	@description		**Errors** are RFC 9457 `application/problem+json`: `status`, `title`, `detail` (what to do), `code` (a stable reason) and `errors` (each bad field or parameter).
//	@description
//	@description		**No lost updates.** Every object has a `version` and an `ETag`. PUT and PATCH need a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body; stale is 412, none is 428.
//	@description
//	@description		**Lists** come in pages: pass `next_cursor` back as `cursor` (also in the `Link` header). Every request gets an `X-Request-ID` (yours, if you send a sane one), which the history records.
//	@license.name		Content: cite the sources given in each tactic
//	@BasePath			/api/v1
//	@schemes			http https
//	@tag.name			chains
//	@tag.description	Business chains of exploitation, and each as Kara's table
//	@tag.name			stages
//	@tag.description	The links of a chain: product, wholesaler, retailer, consumer
//	@tag.name			tactics
//	@tag.description	Efforts deployed today and what should be done, at each stage
//	@tag.name			tags
//	@tag.description	Facets of tactics: horizon, economic lever, 4P function
//	@tag.name			sources
//	@tag.description	The bibliography: works that chains, stages, tags and tactics cite, and where each is cited
//	@tag.name			relations
//	@tag.description	Typed links between tactics: complements, prerequisite-of, conflicts-with, duplicates, supersedes
//	@tag.name			parameters
//	@tag.description	Figures of the risk-reward model (profit, fines, conviction rates, ...) with their sources
//	@tag.name			search
//	@tag.description	Full-text search across tactics, sources, stages and chains, best first
//	@tag.name			changes
//	@tag.description	The change feed, for partner apps that keep a mirror, and its stream (Server-Sent Events)
//	@tag.name			webhooks
//	@tag.description	Webhook subscriptions: the change feed pushed to partner apps, signed after the Standard Webhooks specification
//	@tag.name			bundles
//	@tag.description	The whole knowledge base as one bundle: export, and import with a dry run
//	@tag.name			keys
//	@tag.description	API keys and their roles, for admins
//	@tag.name			operations
//	@tag.description	Probes for the platform that runs the service; served at the root, not under /api/v1

//	@securityDefinitions.apikey	BearerKey
//	@in							header
//	@name						Authorization
//	@description				An API key: "Bearer <key>". Reads need none; writes need an editor key, the change feed a reader key, keys an admin key.

// main is chainkb's command line, in internal/cli; SIGINT and SIGTERM stop the server gracefully.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
