package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// checkDataDir checks, before SQLite tries, that the database's directory exists and that this
// process may write in it (SQLite makes the file, its -wal and its -shm there) and write the file.
// Otherwise SQLite says only "unable to open database file"; this names the directory and the
// user, which is what a bind-mounted directory owned by root needs fixing.
func checkDataDir(db string) error {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") || db == "" {
		return nil
	}
	dir := filepath.Dir(db)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("the database directory %s: %w (make it, or give -db a path in a directory that exists)", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("the database directory %s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".chainkb-write-check-*")
	if err != nil {
		return permissionError(dir, "directory", err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	if f, err := os.OpenFile(db, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return permissionError(db, "file", err)
	}
	return nil
}

func permissionError(path, what string, err error) error {
	if errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("the database %s %s is on a read-only file system: %w; "+
			"mount a writable volume there (docker run --read-only keeps only volumes and tmpfs mounts writable)", what, path, err)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("the database %s %s is not writable by uid %d (gid %d): %w; "+
			"a permission problem: give that user the %s (on the host, for a bind mount: chown -R %d:%d <host dir>), "+
			"or use a named volume, which the image's /data initialises with the right owner",
			what, path, os.Getuid(), os.Getgid(), err, what, os.Getuid(), os.Getgid())
	}
	return fmt.Errorf("the database %s %s: %w", what, path, err)
}
