package store

import (
	"context"
	"fmt"
)

// migrations are append-only: a shipped migration is never edited, a change
// of schema is a new entry. Each runs in its own transaction together with
// the row that records it, so a failed migration leaves no trace.
var migrations = []string{
	// 1: the data model of DESIGN.md.
	`
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE contacts (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	email      TEXT,
	phone      TEXT,
	created_at INTEGER NOT NULL
);
CREATE INDEX contacts_email ON contacts(email COLLATE NOCASE) WHERE email IS NOT NULL;

-- How a contact is recognised on a channel (a WhatsApp chat name, a Meta
-- participant, a web-chat visitor id), so a contact met again is the same.
CREATE TABLE contact_identities (
	channel    TEXT NOT NULL,
	identity   TEXT NOT NULL,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (channel, identity)
);

CREATE TABLE imports (
	id             INTEGER PRIMARY KEY,
	path           TEXT NOT NULL,
	file_hash      TEXT,
	format         TEXT,
	status         TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
	conversations  INTEGER NOT NULL DEFAULT 0,
	messages       INTEGER NOT NULL DEFAULT 0,
	sessions       INTEGER NOT NULL DEFAULT 0,
	duplicates     INTEGER NOT NULL DEFAULT 0,
	skipped        TEXT,     -- JSON array of {line, reason}
	error          TEXT,
	started_at     INTEGER NOT NULL,
	finished_at    INTEGER NOT NULL
);
CREATE INDEX imports_file_hash ON imports(file_hash);

CREATE TABLE conversations (
	id           INTEGER PRIMARY KEY,
	channel      TEXT NOT NULL CHECK (channel IN ('whatsapp', 'instagram', 'facebook', 'webchat')),
	external_key TEXT NOT NULL,
	contact_id   INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
	title        TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (channel, external_key)
);

-- at is UTC milliseconds. hash identifies a message within its conversation
-- (time, author, body and the occurrence among identical ones), so that a
-- re-import or a longer export of the same chat adds only what is new. It
-- has no unique index: a random-keyed index made inserts four times slower,
-- and the importer, the only writer, checks hashes in memory under the
-- write lock instead.
-- role and kind are checked by the store in Go, not by CHECK constraints,
-- and import_id is a plain column, not a foreign key: on a million-row
-- import those per-row checks cost a third of the insert time.
CREATE TABLE messages (
	id              INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
	at              INTEGER NOT NULL,
	author          TEXT,
	role            TEXT NOT NULL,    -- customer | agent | bot | system
	kind            TEXT NOT NULL,    -- text | media | system | deleted
	body            TEXT NOT NULL,
	attachments     TEXT,             -- JSON array of file names, NULL when none
	reactions       TEXT,             -- JSON array of {emoji, actor}, NULL when none
	edited          INTEGER NOT NULL DEFAULT 0,
	source_line     INTEGER,
	hash            INTEGER NOT NULL,
	import_id       INTEGER           -- imports.id of the import that added it
);
CREATE INDEX messages_conversation_at ON messages(conversation_id, at, id);

-- A session has no stored end: it is active while its last message is
-- younger than gap_ms and completed after, so its status follows the clock
-- without any write. ended_at is last_message_at once completed.
CREATE TABLE sessions (
	id              INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
	contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
	channel         TEXT NOT NULL,
	started_at      INTEGER NOT NULL,
	last_message_at INTEGER NOT NULL,
	gap_ms          INTEGER NOT NULL,
	message_count   INTEGER NOT NULL,
	summary         TEXT,
	summary_source  TEXT,    -- 'ollama' | 'builtin'
	summary_model   TEXT,
	summary_hash    TEXT,    -- content hash the summary was made from
	sentiment       TEXT CHECK (sentiment IN ('positive', 'neutral', 'negative')),
	bot             TEXT,    -- the AI agent that took part, if any
	handoff_agent   TEXT,    -- the human who took over from the bot
	handoff_at      INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX sessions_timeline ON sessions(started_at DESC, id DESC);
CREATE INDEX sessions_conversation ON sessions(conversation_id, started_at);

CREATE TABLE labels (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	color      TEXT NOT NULL DEFAULT '#888888',
	created_at INTEGER NOT NULL
);

CREATE TABLE session_labels (
	session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	label_id   INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
	PRIMARY KEY (session_id, label_id)
);
CREATE INDEX session_labels_label ON session_labels(label_id);

CREATE TABLE custom_fields (
	id         INTEGER PRIMARY KEY,
	key        TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	type       TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
	choices    TEXT,     -- JSON array, for type choice
	created_at INTEGER NOT NULL
);

CREATE TABLE session_field_values (
	session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	field_id   INTEGER NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE,
	value      TEXT NOT NULL,
	PRIMARY KEY (session_id, field_id)
);
`,
	// 2: the search index follows the database through search_outbox, a
	// durable queue filled by triggers in the same transaction as every
	// change that alters what a session's index entry holds, and emptied
	// only after the index has the change. Plus one index per timeline
	// filter, so filtered pages stay keyset scans.
	`
CREATE TABLE search_outbox (
	session_id    INTEGER PRIMARY KEY,
	indexed_start INTEGER,  -- where the index has the session now (its start then), for deletes
	seq           INTEGER NOT NULL  -- bumped on every new change, so a change that lands while the index applies an older one is not lost
);
CREATE TABLE search_seq (n INTEGER NOT NULL);
INSERT INTO search_seq VALUES (0);

-- started_at of the session when it was last indexed: the index is sliced
-- by start month, so a session whose start moves must leave its old slice.
ALTER TABLE sessions ADD COLUMN indexed_start INTEGER;

CREATE TRIGGER search_sessions_insert AFTER INSERT ON sessions BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq) VALUES (NEW.id, NULL, (SELECT n FROM search_seq))
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_sessions_update AFTER UPDATE OF started_at, last_message_at, gap_ms, message_count, summary, sentiment, contact_id, channel ON sessions BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq) VALUES (NEW.id, OLD.indexed_start, (SELECT n FROM search_seq))
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_sessions_delete AFTER DELETE ON sessions BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq) VALUES (OLD.id, OLD.indexed_start, (SELECT n FROM search_seq))
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq, indexed_start = COALESCE(search_outbox.indexed_start, excluded.indexed_start);
END;
CREATE TRIGGER search_labels_insert AFTER INSERT ON session_labels BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE id = NEW.session_id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_labels_delete AFTER DELETE ON session_labels BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE id = OLD.session_id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_labels_rename AFTER UPDATE OF name ON labels BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT s.id, s.indexed_start, (SELECT n FROM search_seq) FROM sessions s JOIN session_labels sl ON sl.session_id = s.id WHERE sl.label_id = NEW.id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_fields_insert AFTER INSERT ON session_field_values BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE id = NEW.session_id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_fields_update AFTER UPDATE ON session_field_values BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE id = NEW.session_id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_fields_delete AFTER DELETE ON session_field_values BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE id = OLD.session_id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_field_rename AFTER UPDATE OF key ON custom_fields BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT s.id, s.indexed_start, (SELECT n FROM search_seq) FROM sessions s JOIN session_field_values v ON v.session_id = s.id WHERE v.field_id = NEW.id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER search_contacts_update AFTER UPDATE OF name, email ON contacts BEGIN
	UPDATE search_seq SET n = n + 1;
	INSERT INTO search_outbox(session_id, indexed_start, seq)
	SELECT id, indexed_start, (SELECT n FROM search_seq) FROM sessions WHERE contact_id = NEW.id
	ON CONFLICT(session_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE INDEX sessions_channel_timeline ON sessions(channel, started_at DESC, id DESC);
CREATE INDEX sessions_sentiment_timeline ON sessions(sentiment, started_at DESC, id DESC);
CREATE INDEX sessions_contact_timeline ON sessions(contact_id, started_at DESC, id DESC);
CREATE INDEX session_field_values_value ON session_field_values(field_id, value COLLATE NOCASE);
`,

	// 3: summaries as resumable background work. summary_jobs is the
	// queue: triggers add a session when it is created or its messages
	// change, in the same transaction, so a crash loses no job; the runner
	// removes a job once the summary (or the reason it failed) is stored.
	// Plus the facts of the AI-handoff audit.
	`
CREATE TABLE summary_jobs (
	session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
	queued_at  INTEGER NOT NULL,
	force      INTEGER NOT NULL DEFAULT 0  -- summarize even if the content did not change
);
ALTER TABLE sessions ADD COLUMN summary_score REAL;
ALTER TABLE sessions ADD COLUMN summary_topics TEXT;    -- JSON array
ALTER TABLE sessions ADD COLUMN summary_resolved INTEGER;
ALTER TABLE sessions ADD COLUMN summary_digest TEXT;    -- the model's digest
ALTER TABLE sessions ADD COLUMN summary_prompt TEXT;    -- the prompt version
ALTER TABLE sessions ADD COLUMN summarized_at INTEGER;
ALTER TABLE sessions ADD COLUMN summary_error TEXT;     -- why the last attempt failed
ALTER TABLE sessions ADD COLUMN handoff_wait_ms INTEGER;

CREATE TRIGGER summary_sessions_insert AFTER INSERT ON sessions BEGIN
	INSERT INTO summary_jobs(session_id, queued_at) VALUES (NEW.id, NEW.updated_at) ON CONFLICT(session_id) DO NOTHING;
END;
CREATE TRIGGER summary_sessions_update AFTER UPDATE OF started_at, last_message_at, message_count ON sessions BEGIN
	INSERT INTO summary_jobs(session_id, queued_at) VALUES (NEW.id, NEW.updated_at) ON CONFLICT(session_id) DO NOTHING;
END;
-- Sessions imported before this migration get their summaries too.
INSERT INTO summary_jobs(session_id, queued_at) SELECT id, updated_at FROM sessions WHERE summary IS NULL;
`,

	// 4: the moment a session stops being active, as an indexed column:
	// status filters become an index range instead of arithmetic on every
	// row, and active sessions (always few) can be counted at once.
	`
ALTER TABLE sessions ADD COLUMN active_until INTEGER GENERATED ALWAYS AS (last_message_at + gap_ms) VIRTUAL;
CREATE INDEX sessions_active_until ON sessions(active_until);
`,

	// 5: the outbox in the order the index takes it, so each batch is a
	// keyset read instead of a sort of the whole queue (a million rows
	// after a rebuild is asked for).
	`
CREATE INDEX search_outbox_order ON search_outbox(seq, session_id);
`,

	// 6: built-in summaries made by the first heuristics (which reworded
	// quotes and could pair an answer with the wrong question) are made
	// again by the queue; the runner tells them by their summary_prompt.
	`
INSERT INTO summary_jobs(session_id, queued_at)
	SELECT id, updated_at FROM sessions WHERE summary_source = 'builtin' AND COALESCE(summary_prompt, '') != 'builtin-2'
	ON CONFLICT(session_id) DO NOTHING;
`,

	// 7: the import history keeps every fact of a report: cancelled
	// imports (a status the old CHECK refused, so the table is rebuilt),
	// entries read anew, bytes of invalid UTF-8 repaired, and the number of
	// lines skipped (the list itself is capped).
	`
CREATE TABLE imports_v7 (
	id             INTEGER PRIMARY KEY,
	path           TEXT NOT NULL,
	file_hash      TEXT,
	format         TEXT,
	status         TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'cancelled')),
	conversations  INTEGER NOT NULL DEFAULT 0,
	messages       INTEGER NOT NULL DEFAULT 0,
	sessions       INTEGER NOT NULL DEFAULT 0,
	duplicates     INTEGER NOT NULL DEFAULT 0,
	reread         INTEGER NOT NULL DEFAULT 0,
	repaired       INTEGER NOT NULL DEFAULT 0, -- bytes of invalid UTF-8 replaced
	skipped_lines  INTEGER NOT NULL DEFAULT 0,
	skipped        TEXT,     -- JSON array of {file, line, reason}, at most 1000
	error          TEXT,
	started_at     INTEGER NOT NULL,
	finished_at    INTEGER NOT NULL
);
INSERT INTO imports_v7(id, path, file_hash, format, status, conversations, messages, sessions, duplicates, skipped_lines, skipped, error, started_at, finished_at)
	SELECT id, path, file_hash, format, status, conversations, messages, sessions, duplicates,
		COALESCE(json_array_length(skipped), 0), skipped, error, started_at, finished_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_v7 RENAME TO imports;
CREATE INDEX imports_file_hash ON imports(file_hash);
`,

	// 8: custom field values are compared by their fold (labels.Fold: case
	// and accents, the search index's rule) through a column of it, since
	// SQLite's NOCASE folds only ASCII ("MÜNCHEN" missed "München"). The
	// column is filled in Go (foldFieldValues, in the same transaction).
	`
ALTER TABLE session_field_values ADD COLUMN value_fold TEXT;
DROP INDEX session_field_values_value;
CREATE INDEX session_field_values_fold ON session_field_values(field_id, value_fold);
`,

	// 9: each session's messages per side and first-response times (from
	// the customer's first message to the first agent reply, and to the
	// first bot reply, its own figure), set when the session is split, so
	// that insights and exports over a million sessions read one row each
	// instead of their messages. Sessions stored before are filled from
	// their messages here; NULL response means none came.
	`
ALTER TABLE sessions ADD COLUMN customer_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN agent_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN bot_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN first_response_ms INTEGER;
ALTER TABLE sessions ADD COLUMN bot_first_response_ms INTEGER;
UPDATE sessions SET
	customer_messages = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = sessions.conversation_id
		AND m.at BETWEEN sessions.started_at AND sessions.last_message_at AND m.role = 'customer'),
	agent_messages = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = sessions.conversation_id
		AND m.at BETWEEN sessions.started_at AND sessions.last_message_at AND m.role = 'agent'),
	bot_messages = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = sessions.conversation_id
		AND m.at BETWEEN sessions.started_at AND sessions.last_message_at AND m.role = 'bot')
WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = sessions.conversation_id);
UPDATE sessions SET
	first_response_ms = (SELECT MIN(r.at) - c.at FROM messages r WHERE r.conversation_id = sessions.conversation_id
		AND r.role = 'agent' AND r.at <= sessions.last_message_at AND (r.at > c.at OR (r.at = c.at AND r.id > c.id))),
	bot_first_response_ms = (SELECT MIN(r.at) - c.at FROM messages r WHERE r.conversation_id = sessions.conversation_id
		AND r.role = 'bot' AND r.at <= sessions.last_message_at AND (r.at > c.at OR (r.at = c.at AND r.id > c.id)))
FROM (SELECT m.conversation_id AS conv, s2.id AS sid, m.id, m.at FROM sessions s2 JOIN messages m ON m.id = (
		SELECT m2.id FROM messages m2 WHERE m2.conversation_id = s2.conversation_id AND m2.role = 'customer'
			AND m2.at BETWEEN s2.started_at AND s2.last_message_at ORDER BY m2.at, m2.id LIMIT 1)) AS c
WHERE c.sid = sessions.id;
`,

	// 10: saved views, the sidebar's named filter sets of the timeline or
	// the insights page: params are the page's hash params as a JSON
	// object; position is the sidebar's order, 0..n-1.
	`
CREATE TABLE saved_views (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	page       TEXT NOT NULL CHECK (page IN ('sessions', 'insights')),
	params     TEXT NOT NULL,
	position   INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
`,

	// 11: the insights read every session of a filter: an index holding
	// just the columns they need (a tenth of a row) is what they scan, so a
	// million sessions is a pass over ~80 MB instead of the whole table.
	// It starts with started_at: a date range is a range of it.
	`
CREATE INDEX sessions_insights ON sessions(started_at, channel, sentiment, last_message_at, gap_ms, bot, handoff_agent,
	handoff_wait_ms, first_response_ms, bot_first_response_ms, summary_topics);
`,
}

// migrationSteps are the parts of a migration that SQL cannot do, run
// after it in its transaction.
var migrationSteps = map[int]func(ctx context.Context, tx *Tx) error{
	8: foldFieldValues,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL DEFAULT (unixepoch() * 1000))`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := s.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this program (%d): use a newer Sessions", current, len(migrations))
	}
	for v := current + 1; v <= len(migrations); v++ {
		err := s.Update(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, migrations[v-1]); err != nil {
				return err
			}
			if step := migrationSteps[v]; step != nil {
				if err := step(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES (?)`, v)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %d: %w", v, err)
		}
	}
	return nil
}

// SchemaVersion is the number of the last applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
