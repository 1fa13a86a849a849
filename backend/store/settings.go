package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Setting keys.
const (
	SettingAgents     = "agents"      // JSON array of the business's people
	SettingBots       = "bots"        // JSON array of AI agent names
	SettingSessionGap = "session_gap" // Go duration string
)

// Setting returns the value of key, or ErrNotFound.
func (tx *Tx) Setting(ctx context.Context, key string) (string, error) {
	return setting(ctx, tx.tx, key)
}

// Setting returns the value of key, or ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	return setting(ctx, s.read, key)
}

func setting(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value under key.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.tx.ExecContext(ctx,
		`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

// Names returns a setting that holds a JSON list of names; none when unset.
func (tx *Tx) Names(ctx context.Context, key string) ([]string, error) {
	v, err := tx.Setting(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal([]byte(v), &names); err != nil {
		return nil, fmt.Errorf("read setting %s: %w", key, err)
	}
	return names, nil
}

// SetNames stores a list of names under key.
func (tx *Tx) SetNames(ctx context.Context, key string, names []string) error {
	if names == nil {
		names = []string{}
	}
	b, err := json.Marshal(names)
	if err != nil {
		return fmt.Errorf("encode setting %s: %w", key, err)
	}
	return tx.SetSetting(ctx, key, string(b))
}

// Keys of the settings page beside the ones above (the Ollama address,
// model and permission, and the watched folder, are kept by the services
// that use them under their own keys).
const (
	SettingWhatsAppZone = "whatsapp_zone" // IANA zone WhatsApp times are read in
	SettingTheme        = "theme"         // system | light | dark
	SettingSampleData   = "sample_data"   // JSON: what the sample library added (backend/sample)
)

// Settings returns every stored setting by key.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read settings: %w", err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	return out, nil
}

// DeleteSetting removes key, so its default applies again.
func (tx *Tx) DeleteSetting(ctx context.Context, key string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, key); err != nil {
		return fmt.Errorf("delete setting %s: %w", key, err)
	}
	return nil
}
