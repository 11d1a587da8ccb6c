package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"chainkb/internal/store"
	"chainkb/models"
)

const exportUsage = `usage: chainkb export [-db FILE] [-published] FILE
  Writes the knowledge base to FILE as one bundle (format_version 3, as GET /api/v1/export gives it),
  drafts and archived tactics included unless -published; "-" writes to standard output.`

const importUsage = `usage: chainkb import [-db FILE] [-dry-run] FILE
  Imports a bundle (as "chainkb export" or GET /api/v1/export writes it) into the database in one
  transaction, as POST /api/v1/import does: objects are created or updated by slug and code, objects
  the bundle does not hold are left alone, and nothing is written if the bundle has a fault or an
  object changed since the version the bundle carries. -dry-run prints what would change and writes
  nothing. "-" reads standard input.`

// bundleFlags are the flags of export and import: the database.
func bundleFlags(name, usage string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("chainkb "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	db := fs.String("db", "chainkb.db", "SQLite database file, or a postgres:// URL (env CHAINKB_DB)")
	if v := getenv("CHAINKB_DB"); v != "" {
		*db = v
	}
	return fs, db
}

// cliContext is the context of the command line's reads and writes: an admin, named as the actor
// of the revisions, with a request id of its own that each of them carries.
func cliContext(ctx context.Context, what string) context.Context {
	ctx = models.WithPrincipal(ctx, models.Principal{Name: "command line", Role: models.RoleAdmin})
	return models.WithRequestID(ctx, fmt.Sprintf("cli-%s-%d", what, time.Now().UnixNano()))
}

// runExport is "chainkb export FILE".
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := bundleFlags("export", exportUsage, getenv, stderr)
	published := fs.Bool("published", false, "published tactics only, as an anonymous client gets them")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(exportUsage)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	dest := fs.Arg(0)
	if dest == "-" {
		w := bufio.NewWriter(stdout)
		if err := st.Export(cliContext(ctx, "export"), w, !*published, func(int64) bool { return true }); err != nil {
			return err
		}
		return w.Flush()
	}
	// Written beside the destination and renamed into place: a failed export leaves no half file.
	f, err := os.CreateTemp(filepath.Dir(dest), ".chainkb-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = st.Export(cliContext(ctx, "export"), f, !*published, func(int64) bool { return true })
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dest); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %s to %s\n", store.Redact(*db), dest)
	return nil
}

// runImport is "chainkb import [-dry-run] FILE".
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := bundleFlags("import", importUsage, getenv, stderr)
	dryRun := fs.Bool("dry-run", false, "print what the import would do, and write nothing")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(importUsage)
	}
	var raw []byte
	var err error
	if fs.Arg(0) == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(fs.Arg(0))
	}
	if err != nil {
		return err
	}
	var b store.Bundle
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return fmt.Errorf("%s is not a bundle: %w", fs.Arg(0), err)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Import(cliContext(ctx, "import"), &b, *dryRun)
	if e, ok := models.AsError(err); ok && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			fmt.Fprintf(stderr, "%s: %s\n", f.Field, f.Message)
		}
	}
	if err != nil {
		return err
	}
	for _, it := range rep.Items {
		if it.Action != store.ImportUnchanged {
			fmt.Fprintf(stdout, "%-9s %s %s (%s) %v\n", it.Action, it.Entity, it.Key, it.Pointer, it.Changed)
		}
	}
	verb := "imported"
	if rep.DryRun {
		verb = "dry run, nothing written"
	}
	fmt.Fprintf(stderr, "%s: %d created, %d updated, %d unchanged, %d conflicts\n", verb, rep.Created, rep.Updated, rep.Unchanged, rep.Conflicts)
	return nil
}
