package search

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/blevesearch/bleve/v2"
)

// restrictTree makes dir and everything under it its owner's only: folders
// 0700, files 0600. The index holds the text of customer conversations.
// Bleve's segment and bolt files are created 0600 already; its
// index_meta.json and what older versions wrote are not.
func restrictTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && os.IsNotExist(err) {
				return nil // removed meanwhile (a merge dropped a segment)
			}
			return fmt.Errorf("restrict index file %s: %w", p, err)
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		info, err := d.Info()
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return fmt.Errorf("restrict index file %s: %w", p, err)
		}
		if info.Mode().Perm() == want || info.Mode()&fs.ModeSymlink != 0 {
			return nil
		}
		if err := os.Chmod(p, want); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("restrict index file %s to its owner: %w", p, err)
		}
		return nil
	})
}

// openShard opens the Bleve index at path. Bleve reads its bolt file
// through mmap: a file whose pages a full disk never let be written (on
// tmpfs, among others) raises SIGBUS on the first read, which would kill
// the process. Faults are turned into an error here instead, which makes
// Open rebuild the index; the half-opened shard is left to the garbage
// collector, as nothing of it can be trusted to close.
func openShard(path string) (idx bleve.Index, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			idx, err = nil, fmt.Errorf("memory fault reading its files (a write the disk did not take?): %v", r)
		}
	}()
	return bleve.OpenUsing(path, runtimeConfig())
}
