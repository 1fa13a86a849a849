// Package search is the full-text and filter index of sessions, on Bleve.
//
// SQLite is the source of truth; this index is derived from it and can be
// rebuilt at any time. It is split into time slices: one Bleve index (a
// "shard") per calendar month of the session's start, in UTC. Searches walk
// the shards newest first and stop as soon as a page is full, so the first
// page costs what the newest matching months cost, not what the whole
// history costs; writes to different months run in parallel.
//
// Layout on disk:
//
//	dir/meta.json   mapping version and whether the last rebuild finished
//	dir/lock        held by the process that has the index open
//	dir/lock.holder who that process is (pid, command), for the others' messages
//	dir/2024-03/    the Bleve (scorch) index of sessions started in March 2024
//	dir/2024-04/    …
package search

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Doc is one session as the index sees it. Times are UTC ms.
type Doc struct {
	ID          int64
	Start       int64 // started_at: decides the shard and the order
	End         int64 // last_message_at, in the sort key for the ended range
	ActiveUntil int64 // last_message_at + gap: the session is active while now < ActiveUntil
	Channel     string
	Sentiment   string
	// ContactName, ContactEmail and Summary are what the search box matches.
	ContactName  string
	ContactEmail string
	Summary      string
	Text         string            // the session's message text (may be long)
	Labels       []string          // keywords, matched case-insensitively
	Fields       map[string]string // custom field key → value: exact key, case-insensitive value
}

// Options configures Open.
type Options struct {
	// Workers is the number of shards written in parallel by Apply; 0 means 2.
	Workers int
	// LockWait is how long Open waits for another process to close the
	// index (a CLI import beside a CLI search); 0 fails at once. Open then
	// returns a LockedError that names the holder.
	LockWait time.Duration
	// OnLockWait, when not nil, hears who holds the index when Open has to
	// wait for it, once, so that the caller can say why nothing happens.
	OnLockWait func(*Holder)
	// Holder is what this process is, for the messages of the others
	// ("sessions import chat.zip"); empty means its command line.
	Holder string
	// PersistTimeout bounds how long Apply waits for its batches to reach
	// the disk after the last one was handed over; 0 means 2 minutes. Bleve
	// retries a failed write for ever; a failure it reports ends Apply at
	// once, this bounds the failures it does not report.
	PersistTimeout time.Duration
}

// metaFile is the small file beside the shards that records the mapping
// version they were built with.
const metaFile = "meta.json"

// meta is the content of metaFile. Complete is false from the moment Open
// decides a rebuild is needed until MarkRebuilt: a rebuild cut short by a
// crash or a quit is then redone at the next Open instead of leaving a
// partial index that claims to be whole.
type meta struct {
	MappingVersion int  `json:"mapping_version"`
	Complete       bool `json:"complete"`
}

// lockFile is the file beside the shards that one process at a time holds
// locked while the index is open.
const lockFile = "lock"

// ErrLocked is returned by Open when another process has the index open.
// Bleve indexes cannot be shared between processes; the caller can fall
// back to SQLite.
var ErrLocked = errors.New("search index is open in another process")

// monthLayout names the shard folders.
const monthLayout = "2006-01"

// boltTimeout bounds the wait for a shard's own lock. The folder's lock
// (lockFile) already keeps a second process out; this is a safety net so
// that a shard held elsewhere fails Open instead of blocking it forever.
const boltTimeout = "2s"

// Index is the set of month shards under one folder. It is safe for
// concurrent use: searches run beside Apply; Apply, Reset and Close are
// serialised among themselves.
type Index struct {
	dir     string
	unlock  func() error // releases lockFile
	workers int
	// persistTimeout is Options.PersistTimeout; waits are the Applies
	// waiting for their batches to be on disk, told when Bleve reports that
	// it failed to write (see persistFailed).
	persistTimeout time.Duration
	waitMu         sync.Mutex
	waits          map[*persistWait]struct{}
	mapping        *mapping.IndexMappingImpl
	an             analyzers

	needsRebuild atomic.Bool

	// writeMu serialises Apply, Reset, MarkRebuilt and Close, so changes to
	// one session land in call order and a shard is never closed under a
	// writer.
	writeMu sync.Mutex
	// mu guards shards and closed. Searches hold it for reading while they
	// use the shards; Reset and Close take it for writing to close them.
	mu     sync.RWMutex
	shards map[int]*shard // by month number, see monthOf
	closed bool

	// gen changes with every Apply and Reset; cached totals carry the
	// generation they were counted at.
	gen    atomic.Uint64
	totals *totalCache

	names *nameTerms
}

// shard is the Bleve index of one calendar month.
type shard struct {
	month       int   // months since year 0, see monthOf
	first, last int64 // the month's first and last millisecond
	path        string
	idx         bleve.Index

	// maxActive is at least the latest ActiveUntil of the month's sessions
	// (deletes and updates do not lower it). A status search skips or
	// filters nothing in a month whose sessions all ended before Now, which
	// is every month but the last few. It is kept in the shard's internal
	// storage under maxActiveKey, written with the batches that raise it.
	maxActive atomic.Int64
	// raiseMu orders raising maxActive with writing it into a batch.
	raiseMu sync.Mutex
}

// maxActiveKey is the internal key of shard.maxActive.
const maxActiveKey = "max_active_until"

// encodeMaxActive is the internal value of maxActive: 8 bytes, big-endian.
func encodeMaxActive(v int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(v))
}

// loadMaxActive reads maxActive from the shard, or assumes the worst (every
// session may be active) when it is missing.
func (s *shard) loadMaxActive() error {
	v, err := s.idx.GetInternal([]byte(maxActiveKey))
	if err != nil {
		return fmt.Errorf("read latest end of shard %s: %w", s.path, err)
	}
	if len(v) != 8 {
		s.maxActive.Store(math.MaxInt64)
		return nil
	}
	s.maxActive.Store(int64(binary.BigEndian.Uint64(v)))
	return nil
}

// Open opens (creating) the index under dir. When the folder was created now,
// its mapping version differs from MappingVersion, a previous rebuild did not
// finish (see MarkRebuilt) or a shard cannot be opened, Open wipes the shards
// and NeedsRebuild reports true: the caller then reindexes every session
// and calls MarkRebuilt.
//
// The index holds customer data: its folders are made 0700 and its files
// 0600 at every open, whatever an older version or the umask left.
func Open(ctx context.Context, dir string, opts Options) (*Index, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create index dir %s: %w", dir, err)
	}
	dir = filepath.Clean(dir)
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	an, err := newAnalyzers(m)
	if err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2
	}
	// Lock before reading the meta file: a process that decides to wipe
	// must be the only one using the shards.
	unlock, err := lockWaiting(ctx, dir, opts.LockWait, opts.OnLockWait)
	if err != nil {
		return nil, err
	}
	command := cleanCommand(opts.Holder)
	if command == "" {
		command = defaultCommand()
	}
	// The holder file only serves the messages of other processes: a disk
	// too full to take it must not keep this one from reading the index.
	if err := writeHolder(dir, command); err != nil {
		_ = os.Remove(filepath.Join(dir, holderFile)) // it would name someone else
	}
	release := func() {
		_ = os.Remove(filepath.Join(dir, holderFile))
		unlock()
	}
	if err := restrictTree(dir); err != nil {
		release()
		return nil, err
	}
	persistTimeout := opts.PersistTimeout
	if persistTimeout <= 0 {
		persistTimeout = defaultPersistTimeout
	}
	ix := &Index{
		dir:            dir,
		unlock:         unlock,
		workers:        workers,
		persistTimeout: persistTimeout,
		waits:          map[*persistWait]struct{}{},
		mapping:        m,
		an:             an,
		shards:         map[int]*shard{},
		totals:         newTotalCache(totalCacheSize),
		names:          newNameTerms(),
	}

	register(ix)
	if err := ix.open(ctx); err != nil {
		unregister(ix)
		ix.closeShards()
		release()
		return nil, err
	}
	return ix, nil
}

// open loads the shards of a locked index, or wipes them when a rebuild is
// needed.
func (ix *Index) open(ctx context.Context) error {
	md, err := readMeta(ix.dir)
	if err != nil {
		return err
	}
	rebuild := md == nil || md.MappingVersion != MappingVersion || !md.Complete
	if !rebuild {
		if err := ix.openShards(ctx); err != nil {
			if ctx.Err() != nil {
				ix.closeShards()
				return ctx.Err()
			}
			// The index is derived data: a shard that cannot be opened (a
			// torn write, a file from another Bleve version) is rebuilt
			// rather than failing the app.
			ix.closeShards()
			rebuild = true
		}
	}
	if rebuild {
		ix.names.reset()
		// Mark incomplete before wiping, as Reset does: when the meta
		// cannot be written (a full disk), the shards stay as they were
		// rather than gone under a meta that calls them complete.
		if err := writeMeta(ix.dir, meta{MappingVersion: MappingVersion, Complete: false}); err != nil {
			return err
		}
		if err := ix.wipe(); err != nil {
			return err
		}
		ix.needsRebuild.Store(true)
	}
	return nil
}

// NeedsRebuild reports whether the caller must reindex every session: the
// index was created now, was built with another mapping version, or its
// last rebuild was not marked finished. It stays true until MarkRebuilt.
func (ix *Index) NeedsRebuild() bool { return ix.needsRebuild.Load() }

// MarkRebuilt records that every session has been applied since Open or
// Reset asked for a rebuild. Until it is called, the next Open wipes the
// shards again and reports NeedsRebuild, because the index may be partial.
// (An addition to the requested API: without it a rebuild cut short would
// look complete.)
func (ix *Index) MarkRebuilt(ctx context.Context) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeMeta(ix.dir, meta{MappingVersion: MappingVersion, Complete: true}); err != nil {
		return err
	}
	ix.needsRebuild.Store(false)
	return nil
}

// Close closes every shard. Searches under way finish first.
func (ix *Index) Close() error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	err := ix.closeShards()
	unregister(ix)
	// The holder file goes while the lock is still held, so that it never
	// names a process that let go.
	_ = os.Remove(filepath.Join(ix.dir, holderFile))
	if uerr := ix.unlock(); uerr != nil {
		err = errors.Join(err, fmt.Errorf("release index lock: %w", uerr))
	}
	return err
}

// Reset deletes every shard, before a full rebuild. Like a fresh Open, it
// leaves the index marked incomplete until MarkRebuilt.
func (ix *Index) Reset(ctx context.Context) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return errClosed
	}
	ix.gen.Add(1)
	ix.totals.clear()
	ix.names.reset()
	// Mark incomplete first: a crash between the two steps then leads to a
	// rebuild rather than to an index missing some months.
	if err := writeMeta(ix.dir, meta{MappingVersion: MappingVersion, Complete: false}); err != nil {
		return err
	}
	ix.needsRebuild.Store(true)
	if err := ix.closeShards(); err != nil {
		return fmt.Errorf("close shards before reset: %w", err)
	}
	return ix.wipe()
}

// DocCount is the number of sessions in the index, over all shards.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, errClosed
	}
	var n uint64
	for _, s := range ix.shards {
		c, err := s.idx.DocCount()
		if err != nil {
			return 0, fmt.Errorf("count documents of shard %s: %w", s.path, err)
		}
		n += c
	}
	return n, nil
}

var errClosed = errors.New("search index is closed")

// monthOf returns the month number (year*12 + month-1) of a UTC ms time.
func monthOf(ms int64) int {
	t := time.UnixMilli(ms).UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// monthBounds returns the first and last millisecond of a month number.
func monthBounds(month int) (first, last int64) {
	y, m := month/12, time.Month(month%12+1)
	start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return start.UnixMilli(), start.AddDate(0, 1, 0).UnixMilli() - 1
}

func monthName(month int) string {
	first, _ := monthBounds(month)
	return time.UnixMilli(first).UTC().Format(monthLayout)
}

// parseMonthName returns the month number of a shard folder name, and false
// for any other name.
func parseMonthName(name string) (int, bool) {
	t, err := time.Parse(monthLayout, name)
	if err != nil || t.Format(monthLayout) != name {
		return 0, false
	}
	return t.Year()*12 + int(t.Month()) - 1, true
}

func (ix *Index) newShardValue(month int, idx bleve.Index) *shard {
	first, last := monthBounds(month)
	return &shard{month: month, first: first, last: last, path: filepath.Join(ix.dir, monthName(month)), idx: idx}
}

// runtimeConfig is passed to Bleve when a shard is created or opened.
// unsafe_batch makes Batch return before the segment is on disk; Apply
// waits for durability itself (see persistWait), so the name's warning
// does not apply.
// asyncErrorCallbackName routes the errors of Bleve's background writer to
// the Index (see persistFailed).
func runtimeConfig() map[string]any {
	return map[string]any{"bolt_timeout": boltTimeout, "unsafe_batch": true, "asyncErrorCallbackName": asyncErrorCallbackName}
}

// openShards opens every shard folder found under dir.
func (ix *Index) openShards(ctx context.Context) error {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return fmt.Errorf("list index dir %s: %w", ix.dir, err)
	}
	for _, e := range entries {
		month, ok := parseMonthName(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s := ix.newShardValue(month, nil)
		idx, err := openShard(s.path)
		if err != nil {
			return fmt.Errorf("open shard %s: %w", s.path, err)
		}
		s.idx = idx
		ix.shards[month] = s
		if err := s.loadMaxActive(); err != nil {
			return err
		}
		if err := ix.names.load(s); err != nil {
			return err
		}
	}
	return nil
}

// shardFor returns the shard of a month, creating it when create is set; nil
// when it does not exist and create is not set. The caller holds writeMu.
func (ix *Index) shardFor(month int, create bool) (*shard, error) {
	ix.mu.RLock()
	s, closed := ix.shards[month], ix.closed
	ix.mu.RUnlock()
	if closed {
		return nil, errClosed
	}
	if s != nil || !create {
		return s, nil
	}
	s = ix.newShardValue(month, nil)
	// A folder left without a shard (a crash while creating one) is replaced.
	if err := os.RemoveAll(s.path); err != nil {
		return nil, fmt.Errorf("clear shard folder %s: %w", s.path, err)
	}
	idx, err := bleve.NewUsing(s.path, ix.mapping, scorch.Name, scorch.Name, runtimeConfig())
	if err != nil {
		// What a failed create left (on a full disk: a root.bolt whose
		// pages were never written) would fail the next Open; the month
		// is simply created again next time.
		_ = os.RemoveAll(s.path)
		return nil, fmt.Errorf("create shard %s: %w", s.path, err)
	}
	// Bleve writes the shard's index_meta.json 0666 less the umask.
	if err := restrictTree(s.path); err != nil {
		idx.Close()
		return nil, err
	}
	s.idx = idx
	s.maxActive.Store(math.MinInt64)
	ix.mu.Lock()
	ix.shards[month] = s
	ix.mu.Unlock()
	return s, nil
}

// closeShards closes and forgets every shard. The caller holds mu for writing
// (or owns ix alone).
func (ix *Index) closeShards() error {
	var errs []error
	for m, s := range ix.shards {
		if err := s.idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close shard %s: %w", s.path, err))
		}
		delete(ix.shards, m)
	}
	return errors.Join(errs...)
}

// wipe removes every shard folder under dir (the shards must be closed).
func (ix *Index) wipe() error {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return fmt.Errorf("list index dir %s: %w", ix.dir, err)
	}
	for _, e := range entries {
		if _, ok := parseMonthName(e.Name()); !ok {
			continue
		}
		p := filepath.Join(ix.dir, e.Name())
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("remove shard %s: %w", p, err)
		}
	}
	return nil
}

// sortedShards returns the shards newest first. The caller holds mu.
func (ix *Index) sortedShards() []*shard {
	out := make([]*shard, 0, len(ix.shards))
	for _, s := range ix.shards {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].month > out[j].month })
	return out
}

// readMeta reads dir/meta.json; nil (and no error) when it is missing or
// unreadable, which both mean "rebuild".
func readMeta(dir string) (*meta, error) {
	p := filepath.Join(dir, metaFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index meta %s: %w", p, err)
	}
	var md meta
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, nil
	}
	return &md, nil
}

// writeMeta replaces dir/meta.json atomically (write, sync, rename), so a
// crash leaves either the old or the new content.
func writeMeta(dir string, md meta) error {
	p := filepath.Join(dir, metaFile)
	b, err := json.Marshal(md)
	if err != nil {
		return fmt.Errorf("encode index meta: %w", err)
	}
	tmp := p + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write index meta %s: %w", tmp, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write index meta %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync index meta %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close index meta %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("replace index meta %s: %w", p, err)
	}
	return nil
}
