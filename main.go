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

// The API's documents: the OpenAPI 3.0 document (docs/openapi.*), made from the route table
// (api/routes.go, each route's operation as its handler describes it) and the Go types, and the Go
// client generated from it. Run "go generate ." after changing an operation or an API type, and
// commit docs/ and internal/client/.
//go:generate go run ./internal/openapi/cmd/gen
//go:generate go tool oapi-codegen -config internal/client/oapi-codegen.yaml docs/openapi.json

// main is chainkb's command line, in internal/cli; SIGINT and SIGTERM stop the server gracefully.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
