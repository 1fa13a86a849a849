package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Change is one upsert or delete.
//
// PrevStart is the Start the session had when it was last indexed (0 = never
// indexed, or unknown); the caller stores it. When the month of PrevStart
// differs from the month of Doc.Start, the session is deleted from its old
// shard as part of the same Apply. When PrevStart is 0 for a session that
// is in fact already indexed under another month, the old copy stays behind
// and the session is found twice: that case is the caller's to avoid, by
// keeping PrevStart, or to repair, by a full rebuild (Reset, Apply all,
// MarkRebuilt).
type Change struct {
	Doc Doc // for upserts; for deletes only ID, Start matter
	// Delete removes Doc.ID from the shards of Doc.Start and PrevStart. When
	// both are 0 the location is unknown and the id is deleted from every
	// shard, which costs one batch per shard: avoid it in bulk.
	Delete    bool
	PrevStart int64
}

// maxBatch bounds the documents of one Bleve batch: each batch becomes one
// in-memory segment, built whole before it is written, so this caps the
// memory an Apply holds per worker, and a month of a bulk load is cut into
// several batches that the workers build side by side. Larger batches did
// no better in BenchmarkIndex (Bleve's persister merges the in-memory
// segments that queue up before it writes them).
const maxBatch = 2000

// minSplit is the smallest batch a month is cut into so that the workers
// share it: below it the fixed cost of a segment outweighs the parallelism.
const minSplit = 500

// splitBatches cuts the ops of one month into batches of at most maxBatch.
// When the call touches fewer months than there are workers, as when a bulk
// load in time order fills one month at a time, the month is cut into at
// least one batch per worker (of minSplit or more), so that every worker
// builds a segment.
func splitBatches(ops []op, workers, months int) [][]op {
	n := (len(ops) + maxBatch - 1) / maxBatch
	if months < workers {
		n = max(n, min(workers, len(ops)/minSplit))
	}
	n = max(n, 1)
	size := (len(ops) + n - 1) / n
	var out [][]op
	for len(ops) > 0 {
		k := min(len(ops), size)
		out = append(out, ops[:k])
		ops = ops[k:]
	}
	return out
}

// op is the final state of one session in one shard after a call's changes.
type op struct {
	id  int64
	doc *Doc // nil: delete
}

// task is one batch for one shard.
type task struct {
	month  int
	create bool
	ops    []op
}

// Apply writes the changes and returns when all of them are durable on disk.
// Changes are grouped per shard (the last change of a session in a shard
// wins, so the order within the slice is respected), cut into batches of at
// most maxBatch, and the batches are written by Options.Workers goroutines:
// different months in parallel, and a large month in parallel batches (their
// sessions are distinct after grouping). Sessions become searchable as each
// batch is introduced, possibly before Apply returns; Apply returns once
// every batch is synced to disk. A call costs at least one segment write and
// fsync per month touched (about 4 ms for one change, 30 ms for 100 and
// 180 ms for 1,000 on the development machine): pass changes in chunks of
// a few thousand rather than one by one.
//
// On error some batches may have been written and others not; applying the
// same changes again is safe, as every change is idempotent.
func (ix *Index) Apply(ctx context.Context, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Totals cached from before or during the writes must not be reused.
	ix.gen.Add(1)
	defer func() {
		ix.gen.Add(1)
		ix.totals.clear()
	}()

	ix.mu.RLock()
	if ix.closed {
		ix.mu.RUnlock()
		return errClosed
	}
	existing := make([]int, 0, len(ix.shards))
	for m := range ix.shards {
		existing = append(existing, m)
	}
	ix.mu.RUnlock()

	// Group: month → session id → final op.
	perShard := map[int]map[int64]op{}
	set := func(month int, o op) {
		ops := perShard[month]
		if ops == nil {
			ops = map[int64]op{}
			perShard[month] = ops
		}
		ops[o.id] = o
	}
	// Only the last change of a session writes it; earlier ones (which the
	// outbox never sends, but callers may) only clear the months they
	// name, so that a session moved and then changed again in one call is
	// not left in two months.
	last := make(map[int64]int, len(changes))
	for i := range changes {
		last[changes[i].Doc.ID] = i
	}
	for i := range changes {
		c := &changes[i]
		id := c.Doc.ID
		if last[id] != i && !c.Delete {
			if c.PrevStart != 0 {
				set(monthOf(c.PrevStart), op{id: id})
			}
			set(monthOf(c.Doc.Start), op{id: id})
			continue
		}
		if c.Delete {
			if c.Doc.Start == 0 && c.PrevStart == 0 {
				for _, m := range existing {
					set(m, op{id: id})
				}
				for m := range perShard {
					set(m, op{id: id})
				}
				continue
			}
			if c.Doc.Start != 0 {
				set(monthOf(c.Doc.Start), op{id: id})
			}
			if c.PrevStart != 0 {
				set(monthOf(c.PrevStart), op{id: id})
			}
			continue
		}
		m := monthOf(c.Doc.Start)
		if c.PrevStart != 0 && monthOf(c.PrevStart) != m {
			set(monthOf(c.PrevStart), op{id: id})
		}
		set(m, op{id: id, doc: &c.Doc})
	}

	// Batches, newest month first (the months searches read first).
	months := make([]int, 0, len(perShard))
	for m := range perShard {
		months = append(months, m)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(months)))
	var tasks []task
	for _, m := range months {
		ops := make([]op, 0, len(perShard[m]))
		create := false
		for _, o := range perShard[m] {
			ops = append(ops, o)
			create = create || o.doc != nil
		}
		// Index in id order: deterministic segments, and sessions of one
		// conversation tend to sit together.
		sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
		for _, part := range splitBatches(ops, ix.workers, len(months)) {
			tasks = append(tasks, task{month: m, create: create, ops: part})
		}
	}
	// A shard is created once, before the workers start, so that two
	// batches of a new month do not race to create it.
	for i := range tasks {
		if tasks[i].create {
			if _, err := ix.shardFor(tasks[i].month, true); err != nil {
				return err
			}
		}
	}
	durable := ix.newPersistWait()
	defer ix.dropPersistWait(durable)
	if err := ix.runTasks(ctx, tasks, durable); err != nil {
		return err
	}
	// Batches of one month that ran side by side may have landed in another
	// order than they raised maxActive; write the final value once more.
	perMonth := map[int]int{}
	for _, t := range tasks {
		if t.create {
			perMonth[t.month]++
		}
	}
	for _, m := range months {
		if perMonth[m] < 2 {
			continue
		}
		s, err := ix.shardFor(m, false)
		if err != nil {
			return err
		}
		b := s.idx.NewBatch()
		b.SetInternal([]byte(maxActiveKey), encodeMaxActive(s.maxActive.Load()))
		done := durable.add(b)
		if err := s.idx.Batch(b); err != nil {
			done(err)
			return fmt.Errorf("record latest end of shard %s: %w", s.path, err)
		}
	}
	return durable.wait(ctx, ix.persistTimeout)
}

// runTasks writes the batches with ix.workers goroutines and returns the
// first error; the remaining batches are then skipped.
func (ix *Index) runTasks(ctx context.Context, tasks []task, durable *persistWait) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan task)
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
	)
	for range min(ix.workers, len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				if err := ix.writeBatch(ctx, t, durable); err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					cancel()
				}
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// writeBatch applies one task to its shard. It returns once the batch is
// searchable; durable learns when it is on disk.
func (ix *Index) writeBatch(ctx context.Context, t task, durable *persistWait) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, err := ix.shardFor(t.month, false)
	if err != nil {
		return err
	}
	if s == nil {
		return nil // only deletes, for a month that has no shard
	}
	b := s.idx.NewBatch()
	batchMax := int64(math.MinInt64)
	for _, o := range t.ops {
		if o.doc == nil {
			b.Delete(docID(o.id))
			continue
		}
		batchMax = max(batchMax, o.doc.ActiveUntil)
		ix.names.add(ix.an.terms(o.doc.ContactName))
		if err := b.IndexAdvanced(ix.an.buildDocument(o.doc)); err != nil {
			return fmt.Errorf("add session %d to the batch of shard %s: %w", o.id, s.path, err)
		}
	}
	// Raise maxActive before the sessions become visible (a search may then
	// filter a month it could have skipped, never the reverse) and persist
	// it with them.
	s.raiseMu.Lock()
	if batchMax > s.maxActive.Load() {
		s.maxActive.Store(batchMax)
		b.SetInternal([]byte(maxActiveKey), encodeMaxActive(batchMax))
	}
	s.raiseMu.Unlock()
	done := durable.add(b)
	if err := s.idx.Batch(b); err != nil {
		done(err)
		return fmt.Errorf("write batch of %d changes to shard %s: %w", len(t.ops), s.path, err)
	}
	return nil
}

// persistWait waits for the batches of one Apply to be on disk. The shards
// run with unsafe_batch, so Batch returns once the segment is built and
// searchable, and the worker goes on to build the next one while the shard's
// persister writes and syncs the previous (merging the segments that queued
// meanwhile). Durability is then awaited once, at the end of Apply, through
// each batch's persisted callback.
//
// Bleve's persister retries a write that failed (a full disk) for ever and
// never calls the callbacks of what it could not write; it reports each
// failure to the index's async error callback instead, which ends the wait
// through failed (see persistFailed).
type persistWait struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	first error

	failOnce sync.Once
	failed   chan struct{} // closed when Bleve reported a failed write
	failErr  error
}

// add registers b and returns the function that marks it done; it is
// called by the persister on success, or by the caller when Batch fails
// (then perhaps by both: only the first call counts).
func (p *persistWait) add(b *bleve.Batch) func(error) {
	p.wg.Add(1)
	var once sync.Once
	done := func(err error) {
		once.Do(func() {
			if err != nil {
				p.mu.Lock()
				if p.first == nil {
					p.first = fmt.Errorf("persist batch: %w", err)
				}
				p.mu.Unlock()
			}
			p.wg.Done()
		})
	}
	b.SetPersistedCallback(done)
	return done
}

// fail ends the wait with err; only the first call counts.
func (p *persistWait) fail(err error) {
	p.failOnce.Do(func() {
		p.failErr = err
		close(p.failed)
	})
}

// ErrNotWritten is returned by Apply when the index could not be written
// to disk (a full disk, a disk error) or did not finish in
// Options.PersistTimeout. What the database holds is unaffected: the
// changes stay in its outbox and are applied again by the next Sync.
var ErrNotWritten = errors.New("the search index could not be written to disk")

// defaultPersistTimeout is Options.PersistTimeout's default: persisting the
// last segments of an Apply takes milliseconds to seconds; this is only
// reached when the disk neither takes the writes nor reports why.
const defaultPersistTimeout = 2 * time.Minute

// wait returns when every added batch is on disk, Bleve reported a write it
// could not do, timeout has passed, or ctx is done.
func (p *persistWait) wait(ctx context.Context, timeout time.Duration) error {
	all := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(all)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-all:
	case <-p.failed:
		return p.failErr
	case <-t.C:
		return fmt.Errorf("%w: the disk took no write in %s", ErrNotWritten, timeout)
	case <-ctx.Done():
		return fmt.Errorf("wait for the index to be written: %w", ctx.Err())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.first
}

func (ix *Index) newPersistWait() *persistWait {
	p := &persistWait{failed: make(chan struct{})}
	ix.waitMu.Lock()
	ix.waits[p] = struct{}{}
	ix.waitMu.Unlock()
	return p
}

func (ix *Index) dropPersistWait(p *persistWait) {
	ix.waitMu.Lock()
	delete(ix.waits, p)
	ix.waitMu.Unlock()
}

// persistFailed ends the Applies that wait for the disk: Bleve failed to
// write a shard and will only retry. The changes stay in the database's
// outbox and are applied again by the next Sync, once there is room.
func (ix *Index) persistFailed(shardPath, msg string) {
	err := fmt.Errorf("%w (%s): %s", ErrNotWritten, shardPath, msg)
	if strings.Contains(msg, syscall.ENOSPC.Error()) {
		err = fmt.Errorf("%w: the disk is full (%s): free some space, then run the command again", ErrNotWritten, shardPath)
	}
	ix.waitMu.Lock()
	defer ix.waitMu.Unlock()
	for p := range ix.waits {
		p.fail(err)
	}
}

// asyncErrorCallbackName is the name under which onAsyncError is known to
// Bleve, which takes callbacks by name from a package-level registry.
const asyncErrorCallbackName = "sessions/search"

// openIndexes indexes the open ones by folder, for onAsyncError, which learns only the path of
// the shard. Bleve's registry is process-wide, so this has to be too.
var openIndexes = struct {
	sync.Mutex
	byDir map[string]*Index
}{byDir: map[string]*Index{}}

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallbackName] = onAsyncError
}

func register(ix *Index) {
	openIndexes.Lock()
	openIndexes.byDir[ix.dir] = ix
	openIndexes.Unlock()
}

func unregister(ix *Index) {
	openIndexes.Lock()
	if openIndexes.byDir[ix.dir] == ix {
		delete(openIndexes.byDir, ix.dir)
	}
	openIndexes.Unlock()
}

// onAsyncError hears the errors of Bleve's background work. Only failed
// writes matter here: the persister calls it once per retry, in a loop, so
// it does little.
func onAsyncError(err error, path string) {
	if !errors.Is(err, scorch.ErrPersist) {
		return
	}
	// path is the shard's scorch folder: index dir/2024-03/store.
	shardPath := filepath.Dir(filepath.Clean(path))
	openIndexes.Lock()
	ix := openIndexes.byDir[filepath.Dir(shardPath)]
	openIndexes.Unlock()
	if ix != nil {
		ix.persistFailed(shardPath, err.Error())
	}
}
