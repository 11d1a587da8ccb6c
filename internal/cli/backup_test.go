package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"chainkb/internal/store"
	"chainkb/seeds"
)

// TestBackupUnderLoad is goal G11: "chainkb backup", run as the real binary while clients keep
// writing through HTTP, makes a copy that passes integrity_check and foreign_key_check and holds
// every write acknowledged before the backup began, each exactly as sent; the writers see no
// failure while it runs; and chainkb serves the copy (a restore drill).
func TestBackupUnderLoad(t *testing.T) {
	const writers, group = 8, "backup"
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "chainkb.db")
	key := makeKey(t, dbPath, "editor")
	base := serveInProcess(t, dbPath, map[string]string{"CHAINKB_SEED": "false"})
	bin := chainkbBinary(t)
	client := newClient(writers)

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		sent     = map[string]tagWrite{}
		acked    = map[string]tagWrite{}
		failures []string
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range writers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil && i < 100000; i++ {
				tw := newTagWrite(group, fmt.Sprintf("b-w%d-%05d", w, i), i)
				mu.Lock()
				sent[tw.Slug] = tw
				mu.Unlock()
				status, body, err := postTag(ctx, client, base, key, tw)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				if err == nil && status == 201 {
					acked[tw.Slug] = tw
				} else {
					failures = append(failures, fmt.Sprintf("%s: %d %v %s", tw.Slug, status, err, body))
				}
				mu.Unlock()
			}
		})
	}
	snapshot := func() map[string]tagWrite {
		mu.Lock()
		defer mu.Unlock()
		m := make(map[string]tagWrite, len(acked))
		for k, v := range acked {
			m[k] = v
		}
		return m
	}

	time.Sleep(time.Second)
	before := snapshot()
	dest := filepath.Join(dir, "backups", "chainkb-copy.db")
	if err := os.Mkdir(filepath.Dir(dest), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command(bin, "backup", "-db", dbPath, dest)
	cmd.Env = processEnv()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("chainkb backup: %v\n%s", err, out)
	}
	during := len(snapshot()) - len(before)
	time.Sleep(100 * time.Millisecond)
	cancel()
	wg.Wait()
	t.Logf("backup of %d acknowledged tags took %s, while %d more were acknowledged; %s", len(before), took.Round(time.Millisecond), during, bytes.TrimSpace(out))
	if len(before) == 0 || during == 0 {
		t.Errorf("%d writes acknowledged before the backup and %d during it; the test needs both", len(before), during)
	}
	if len(failures) > 0 {
		t.Errorf("%d writes failed while the backup ran, for example %s", len(failures), failures[0])
	}

	copyDB := openReadOnly(t, dest)
	checkDatabase(t, copyDB)
	got := tagsInDB(t, copyDB, group)
	for slug, want := range before {
		if g, ok := got[slug]; !ok {
			t.Fatalf("tag %s, acknowledged before the backup began, is not in the copy", slug)
		} else if g != want {
			t.Fatalf("tag %s is changed in the copy:\n got %+v\nwant %+v", slug, g, want)
		}
	}
	for slug, g := range got {
		if g != sent[slug] {
			t.Fatalf("the copy holds tag %s as %+v, which no client sent", slug, g)
		}
	}
	copyDB.Close()

	// A second backup to the same name is refused, and leaves the first copy alone.
	sum := fileSum(t, dest)
	cmd = exec.Command(bin, "backup", "-db", dbPath, dest)
	cmd.Env = processEnv()
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "already exists") {
		t.Errorf("a backup onto an existing file: err %v, output %s; want a refusal", err, out)
	}
	if fileSum(t, dest) != sum {
		t.Error("a refused backup changed the existing file")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*partial")); len(leftovers) > 0 {
		t.Errorf("backup left temporary files: %v", leftovers)
	}

	// Restore drill: chainkb serves the copy, with every tag in it.
	p := startChainkb(t, dest, "CHAINKB_SEED=false")
	if n := countTags(t, p.URL, group); n != int64(len(got)) {
		t.Errorf("chainkb on the copy counts %d tags, want %d", n, len(got))
	}
}

// TestBackupRefusals checks what "chainkb backup" will not do.
func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := func(string) string { return "" }
	var errOut strings.Builder

	// PostgreSQL has its own tool.
	err := run(ctx, []string{"backup", "-db", "postgres://chainkb@localhost/chainkb", filepath.Join(dir, "x.db")}, env, io.Discard, &errOut)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of a postgres:// database: %v; want an error that says to use pg_dump", err)
	}
	// A database that does not exist is not created by backing it up.
	missing := filepath.Join(dir, "missing.db")
	if err := run(ctx, []string{"backup", "-db", missing, filepath.Join(dir, "y.db")}, env, io.Discard, &errOut); err == nil {
		t.Error("backup of a missing database succeeded")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backup created the database it was asked to copy")
	}
	if _, err := os.Stat(filepath.Join(dir, "y.db")); err == nil {
		t.Error("a failed backup left its destination file")
	}
	// No destination, or two.
	for _, args := range [][]string{{"backup"}, {"backup", "a.db", "b.db"}} {
		if err := run(ctx, args, env, io.Discard, &errOut); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("chainkb %v: %v; want the usage", args, err)
		}
	}
}

// TestStoreBackup checks Store.Backup, the same backup from inside a running process: the copy
// of a seeded database is whole and has the same content, and an existing file is never
// overwritten.
func TestStoreBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "chainkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := seeds.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "copy.db")
	if err := st.Backup(ctx, dest); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	orig, cp := openReadOnly(t, filepath.Join(dir, "chainkb.db")), openReadOnly(t, dest)
	checkDatabase(t, cp)
	// Every table, read from the catalogue: the content, the rendered documents, the revisions,
	// the full-text indexes' own tables and SQLite's sequences.
	tables, copied := tableNames(t, orig), tableNames(t, cp)
	if !slices.Equal(tables, copied) {
		t.Fatalf("the copy has the tables %v, the database %v", copied, tables)
	}
	if len(tables) < 20 {
		t.Fatalf("only %d tables in the seeded database: %v", len(tables), tables)
	}
	for _, table := range tables {
		if a, b := tableSum(t, orig, table), tableSum(t, cp, table); a != b {
			t.Errorf("table %s differs between the database and its copy", table)
		}
	}
	if err := st.Backup(ctx, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Backup onto an existing file: %v; want a refusal", err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, empty); err == nil {
		t.Error("Backup wrote into an existing (empty) file")
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// tableNames lists the database's tables but its virtual ones (whose rows are in their shadow
// tables), by name.
func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// tableSum is a digest of a table's rows, in sorted order.
func tableSum(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var lines []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%q", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return fmt.Sprintf("%d rows %x", len(lines), sha256.Sum256([]byte(strings.Join(lines, "\n"))))
}
