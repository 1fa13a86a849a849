// Package app is the boundary between the product's logic (backend/...) and
// its users: the methods the UI calls (bound to the desktop window by Wails),
// and the command-line commands. It is the only package that imports Wails.
package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// AppInfo tells the UI where the data lives, for the empty state's advice.
type AppInfo struct {
	DataDir string `json:"data_dir"`
	Version string `json:"version"`
	// FileDrop says whether files dropped on the window are imported:
	// Wails 2.9 does not deliver drops on Linux (wailsapp/wails#3563).
	FileDrop bool `json:"file_drop"`
}

// Version is the version of the program; release builds set it with -ldflags.
var Version = "dev"

// DefaultPageSize is the timeline's page size.
const DefaultPageSize = 50

// API is the set of methods the UI calls. The desktop window binds it with
// Wails (window.go.app.API.*); the command line uses the same methods, so
// both show the same data the same way.
type API struct {
	ctx      context.Context
	st       *store.Store
	tl       *timeline.Service
	dataDir  string
	loc      *time.Location
	now      func() time.Time
	shell    Shell      // nil outside the desktop window
	importMu sync.Mutex // one import at a time, from the UI or the watcher
	inbox    inbox
	// syncing is true while catchUpIndex runs; syncAgain asks it for one
	// more round when changes landed meanwhile.
	syncMu             sync.Mutex
	syncing, syncAgain bool
	sum                summaryRun
}

// NewAPI returns the API over a store and its timeline. Times are shown
// in loc.
func NewAPI(st *store.Store, tl *timeline.Service, dataDir string, loc *time.Location, now func() time.Time) *API {
	if loc == nil {
		loc = time.Local
	}
	if now == nil {
		now = time.Now
	}
	return &API{ctx: context.Background(), st: st, tl: tl, dataDir: dataDir, loc: loc, now: now}
}

// AppInfo returns facts about this installation.
func (a *API) AppInfo() AppInfo {
	return AppInfo{DataDir: a.dataDir, Version: Version, FileDrop: goruntime.GOOS != "linux"}
}

// ListSessions returns one page of the timeline, newest first, with the
// number of sessions matching in all.
func (a *API) ListSessions(req ListRequest) (*SessionPage, error) {
	f, err := a.filter(req)
	if err != nil {
		return nil, err
	}
	var after *store.Cursor
	if req.Cursor != "" {
		c, err := decodeCursor(req.Cursor)
		if err != nil {
			return nil, err
		}
		after = &c
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	p, err := a.tl.List(a.ctx, f, a.now().UnixMilli(), limit, after)
	if err != nil {
		return nil, err
	}
	page := &SessionPage{Sessions: make([]SessionView, 0, len(p.Sessions)), Total: p.Total}
	if p.Next != nil {
		next := encodeCursor(*p.Next)
		page.NextCursor = &next
	}
	for _, s := range p.Sessions {
		page.Sessions = append(page.Sessions, a.sessionView(s))
	}
	if f.HasWords() {
		if page.IndexPending, err = a.tl.Pending(a.ctx); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// filter turns a request into a timeline filter; days are read in the
// viewer's zone.
func (a *API) filter(req ListRequest) (timeline.Filter, error) {
	f := timeline.Filter{Status: req.Status, Q: req.Q, Summary: req.Summary, Name: req.Name, Email: req.Email, Text: req.Text,
		Channels: req.Channels, Labels: req.Labels, Sentiment: req.Sentiment, Fields: req.Fields}
	if req.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, req.From, a.loc)
		if err != nil {
			return f, fmt.Errorf("%w: from %q is not a day like 2024-03-14", timeline.ErrBadFilter, req.From)
		}
		f.From = d.UnixMilli()
	}
	if req.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, req.To, a.loc)
		if err != nil {
			return f, fmt.Errorf("%w: to %q is not a day like 2024-03-14", timeline.ErrBadFilter, req.To)
		}
		f.To = d.AddDate(0, 0, 1).UnixMilli() - 1 // the whole day, also on a DST change
	}
	return f, f.Validate()
}

// GetSession returns one session with its messages.
func (a *API) GetSession(id int64) (*SessionDetail, error) {
	s, err := a.st.GetSession(a.ctx, id)
	if err != nil {
		return nil, err
	}
	msgs, err := a.st.SessionMessages(a.ctx, id)
	if err != nil {
		return nil, err
	}
	d := &SessionDetail{SessionView: a.sessionView(s), Messages: make([]MessageView, 0, len(msgs))}
	for _, m := range msgs {
		d.Messages = append(d.Messages, a.messageView(m))
		if m.Role == "system" {
			d.NoticeCount++
		}
	}
	return d, nil
}

func (a *API) messageView(m store.Message) MessageView {
	mv := MessageView{At: a.timeString(m.At), Author: optional(m.Author), Role: m.Role, Kind: m.Kind, Body: m.Body,
		Attachments: m.Attachments}
	if mv.Attachments == nil {
		mv.Attachments = []string{}
	}
	return mv
}

func (a *API) sessionView(s store.Session) SessionView {
	v := SessionView{
		ID:             s.ID,
		ConversationID: s.ConversationID,
		Contact:        ContactView{ID: s.ContactID, Name: s.ContactName, Email: optional(s.ContactEmail)},
		Channel:        s.Channel,
		Status:         store.StatusActive,
		StartedAt:      a.timeString(s.StartedAt),
		MessageCount:   s.MessageCount,
		Summary:        optional(s.Summary),
		SummarySource:  optional(s.SummarySource),
		SummaryError:   optional(s.SummaryError),
		Sentiment:      optional(s.Sentiment),
		Labels:         s.Labels,
		Fields:         s.Fields,
		Handoff:        HandoffView{Bot: optional(s.Bot), Agent: optional(s.HandoffAgent)},
	}
	if !s.Active(a.now().UnixMilli()) {
		v.Status = store.StatusCompleted
		end := a.timeString(s.LastMessageAt)
		v.EndedAt = &end
		d := (s.LastMessageAt - s.StartedAt) / 1000
		v.DurationS = &d
	}
	if s.HandoffAt != 0 {
		at := a.timeString(s.HandoffAt)
		v.Handoff.At = &at
		wait := s.HandoffWaitMS / 1000
		v.Handoff.WaitS = &wait
	}
	v.Handoff.BotOnly = s.Bot != "" && s.HandoffAgent == ""
	if v.Labels == nil {
		v.Labels = []string{}
	}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	return v
}

func (a *API) timeString(ms int64) string {
	return time.UnixMilli(ms).In(a.loc).Format(time.RFC3339)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ErrBadCursor is returned for a cursor that no page handed out.
var ErrBadCursor = errors.New("invalid cursor")

// A cursor is opaque to callers: the start time and id of the last row.
func encodeCursor(c store.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.StartedAt, 10) + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeCursor(s string) (store.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	at, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	var c store.Cursor
	if c.StartedAt, err = strconv.ParseInt(at, 10, 64); err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
		return store.Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	return c, nil
}
