// Package swaggerui serves Swagger UI 5 (swaggo/files/v2's copy of swagger-ui-dist) through
// gin-swagger, which takes the UI's files as a webdav handler (swaggo/files v1's shape, which
// carries Swagger UI 4): gin-swagger keeps serving index.html, its initializer and doc.json, and
// this gives it the version 5 assets.
package swaggerui

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	swaggerFiles "github.com/swaggo/files/v2"
	"golang.org/x/net/webdav"
)

// Handler is the webdav handler of Swagger UI 5's files for ginSwagger.WrapHandler: read only.
var Handler = &webdav.Handler{FileSystem: readOnly{swaggerFiles.FS}, LockSystem: webdav.NewMemLS()}

// readOnly is an fs.FS as a webdav.FileSystem that refuses every change.
type readOnly struct{ fsys fs.FS }

func (r readOnly) name(name string) string {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if name == "" {
		return "."
	}
	return name
}

func (r readOnly) OpenFile(_ context.Context, name string, flag int, _ os.FileMode) (webdav.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, os.ErrPermission
	}
	f, err := r.fsys.Open(r.name(name))
	if err != nil {
		return nil, err
	}
	seeker, ok := f.(seekable)
	if !ok {
		f.Close()
		return nil, os.ErrNotExist // a directory: nothing to list
	}
	return file{seeker}, nil
}

func (r readOnly) Stat(_ context.Context, name string) (os.FileInfo, error) {
	return fs.Stat(r.fsys, r.name(name))
}

func (readOnly) Mkdir(context.Context, string, os.FileMode) error { return os.ErrPermission }
func (readOnly) RemoveAll(context.Context, string) error          { return os.ErrPermission }
func (readOnly) Rename(context.Context, string, string) error     { return os.ErrPermission }

// seekable is an embedded file: http.ServeContent seeks in it.
type seekable interface {
	fs.File
	io.Seeker
}

// file is an embedded file as a webdav.File: read and seek only.
type file struct{ seekable }

func (file) Readdir(int) ([]fs.FileInfo, error) { return nil, os.ErrInvalid }
func (file) Write([]byte) (int, error)          { return 0, os.ErrPermission }
