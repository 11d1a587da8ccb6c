package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"chainkb/internal/store"
	"chainkb/models"
)

const keysUsage = `usage:
  chainkb keys create -name NAME -role reader|editor|admin [-expires 90d|2027-01-31] [-db FILE]
  chainkb keys list [-db FILE]
  chainkb keys revoke [-db FILE] ID
  chainkb keys generate      print a new random key without storing it (for CHAINKB_ADMIN_KEY)`

// runKeys manages API keys from the command line: this is how the first admin key is made.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(keysUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, keysUsage) // asked for: not an error
		return nil
	case "create", "list", "revoke", "generate":
	default:
		return fmt.Errorf("unknown keys subcommand %q\n%s", args[0], keysUsage)
	}
	if args[0] == "generate" {
		if len(args) > 1 && slices.Contains([]string{"-h", "-help", "--help"}, args[1]) {
			fmt.Fprintln(stdout, "usage: chainkb keys generate\n  print a new random key without storing it (for CHAINKB_ADMIN_KEY)")
			return nil
		}
		key, err := store.GenerateKey()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, key)
		return nil
	}
	fs := flag.NewFlagSet("chainkb keys "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "chainkb.db", "SQLite database file (env CHAINKB_DB)")
	if v := getenv("CHAINKB_DB"); v != "" {
		*db = v
	}
	name := fs.String("name", "", "who holds the key")
	role := fs.String("role", "", "reader, editor or admin")
	expires := fs.String("expires", "", "expiry: a duration in days (90d) or a date (2027-01-31); none if empty")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	} else if err != nil {
		return err
	}

	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	// The history and the keys' audit name the command line as the actor.
	ctx = models.WithPrincipal(ctx, models.Principal{Name: "command line", Role: models.RoleAdmin})

	switch args[0] {
	case "create":
		in := &models.KeyInput{Name: *name, Role: *role}
		if *expires != "" {
			t, err := parseExpiry(*expires, time.Now())
			if err != nil {
				return err
			}
			in.ExpiresAt = &t
		}
		k, err := st.CreateKey(ctx, in)
		if err != nil {
			if e, ok := models.AsError(err); ok && len(e.Fields) > 0 {
				return fmt.Errorf("%s: %v", e.Detail, e.Fields)
			}
			return err
		}
		fmt.Fprintf(stderr, "key %d for %q (%s) created; it is shown this once:\n", k.ID, k.Name, k.Role)
		fmt.Fprintln(stdout, k.Key)
		return nil
	case "list":
		page, err := st.Keys(ctx, models.Page{Limit: 200})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tPREFIX\tROLE\tNAME\tEXPIRES\tLAST USED\tREVOKED")
		for _, k := range page.Items {
			name := k.Name
			if models.HasControl(name) || strings.ContainsAny(name, "\t\n\r") {
				// A name from before control characters were refused: quoted, so that the
				// terminal prints its escapes instead of running them.
				name = strconv.QuoteToASCII(name)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Role, name, when(k.ExpiresAt), when(k.LastUsedAt), when(k.RevokedAt))
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New(keysUsage)
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("key id %q: want a number (see chainkb keys list)", fs.Arg(0))
		}
		if err := st.RevokeKey(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "key %d revoked\n", id)
		return nil
	}
	return errors.New(keysUsage)
}

// parseExpiry reads "90d" (days from now) or a date.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 {
			return now.AddDate(0, 0, n).UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("-expires %q: want days (90d) or a date (2027-01-31)", s)
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}
