// Package settings is the user's preferences as the settings page edits
// them: read from the store with their defaults, checked field by field,
// and saved in one transaction. The session gap is here to be read; it
// changes only through backend/resplit, which re-splits the library with
// it. The watched folder is the watcher's (app's ImportsService) to set.
package settings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/sessions"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

// Keys under which the summarizer's settings are kept (the CLI's --ollama,
// --model and --allow-remote-ollama remember theirs under the same).
const (
	KeyOllamaURL    = "ollama_url"
	KeyOllamaModel  = "ollama_model"
	KeyOllamaRemote = "ollama_remote_allowed" // the host allowed to be another machine
)

// Themes.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// MaxNameLen bounds an agent or bot name: longer is a paste gone wrong.
const MaxNameLen = 100

// Settings are the stored preferences, defaults filled in.
type Settings struct {
	// Agents and Bots are the names of the business's people and of its
	// AI agents, as imports assign roles with them.
	Agents, Bots []string
	// SessionGap splits conversations into sessions.
	SessionGap time.Duration
	// WhatsAppZone is the IANA zone WhatsApp times are read in; empty
	// means the machine's.
	WhatsAppZone string
	// OllamaURL and Model are the summarizer's server and model; empty
	// means the defaults (OLLAMA_HOST or summarize.DefaultOllamaURL,
	// summarize.DefaultModel).
	OllamaURL, Model string
	// AllowRemoteOllama says the user let OllamaURL name another machine.
	AllowRemoteOllama bool
	// Theme is ThemeSystem, ThemeLight or ThemeDark.
	Theme string
}

// Patch changes some settings: a nil field keeps the stored value, an
// empty string goes back to the default.
type Patch struct {
	Agents, Bots      *[]string
	WhatsAppZone      *string
	OllamaURL, Model  *string
	AllowRemoteOllama *bool
	Theme             *string
}

// FieldError is a value the settings cannot take; Field is its JSON name
// (session_gap, whatsapp_zone, ollama_url, model, theme, agents, bots), so
// the page can show the message beside the control.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Load reads the settings.
func Load(ctx context.Context, st *store.Store) (Settings, error) {
	kv, err := st.Settings(ctx)
	if err != nil {
		return Settings{}, err
	}
	return fromMap(kv)
}

func fromMap(kv map[string]string) (Settings, error) {
	s := Settings{SessionGap: sessions.DefaultGap, Theme: ThemeSystem, WhatsAppZone: kv[store.SettingWhatsAppZone],
		OllamaURL: kv[KeyOllamaURL], Model: kv[KeyOllamaModel]}
	var err error
	if s.Agents, err = names(kv, store.SettingAgents); err != nil {
		return Settings{}, err
	}
	if s.Bots, err = names(kv, store.SettingBots); err != nil {
		return Settings{}, err
	}
	if v := kv[store.SettingSessionGap]; v != "" {
		if s.SessionGap, err = time.ParseDuration(v); err != nil || s.SessionGap <= 0 {
			return Settings{}, fmt.Errorf("read settings: stored session gap %q is not a duration", v)
		}
	}
	if t := kv[store.SettingTheme]; t == ThemeLight || t == ThemeDark {
		s.Theme = t
	}
	if allowed := kv[KeyOllamaRemote]; allowed != "" {
		host, local, err := summarize.OllamaHost(s.OllamaURL)
		s.AllowRemoteOllama = err == nil && !local && strings.EqualFold(host, allowed)
	}
	return s, nil
}

func names(kv map[string]string, key string) ([]string, error) {
	v, ok := kv[key]
	if !ok {
		return []string{}, nil
	}
	list, err := decodeNames(v)
	if err != nil {
		return nil, fmt.Errorf("read setting %s: %w", key, err)
	}
	return list, nil
}

// Save checks the patch and stores it in one transaction; nothing is
// written when any field is wrong (the error is a *FieldError).
func Save(ctx context.Context, st *store.Store, p Patch) (Settings, error) {
	var out Settings
	err := st.Update(ctx, func(tx *store.Tx) error {
		kv := map[string]string{}
		for _, k := range []string{store.SettingAgents, store.SettingBots, store.SettingSessionGap, store.SettingWhatsAppZone,
			store.SettingTheme, KeyOllamaURL, KeyOllamaModel, KeyOllamaRemote} {
			v, err := tx.Setting(ctx, k)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			kv[k] = v
		}
		cur, err := fromMap(kv)
		if err != nil {
			return err
		}
		next, err := apply(cur, p)
		if err != nil {
			return err
		}
		if err := write(ctx, tx, next); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return Settings{}, err
	}
	return out, nil
}

// apply returns cur changed by p, every field checked.
func apply(cur Settings, p Patch) (Settings, error) {
	next := cur
	var err error
	if p.Agents != nil {
		if next.Agents, err = cleanNames("agents", *p.Agents); err != nil {
			return Settings{}, err
		}
	}
	if p.Bots != nil {
		if next.Bots, err = cleanNames("bots", *p.Bots); err != nil {
			return Settings{}, err
		}
	}
	if p.WhatsAppZone != nil {
		z := strings.TrimSpace(*p.WhatsAppZone)
		if err := CheckZone(z); err != nil {
			return Settings{}, &FieldError{"whatsapp_zone", err}
		}
		next.WhatsAppZone = z
	}
	if p.OllamaURL != nil {
		next.OllamaURL = strings.TrimSpace(*p.OllamaURL)
	}
	if p.AllowRemoteOllama != nil {
		next.AllowRemoteOllama = *p.AllowRemoteOllama
	}
	if err := summarize.CheckOllamaURL(next.OllamaURL, next.AllowRemoteOllama); err != nil {
		if errors.Is(err, summarize.ErrRemoteOllama) {
			err = fmt.Errorf("%w: conversations would be sent to it; tick \"allow another machine\" to use it", err)
		}
		return Settings{}, &FieldError{"ollama_url", err}
	}
	if _, local, _ := summarize.OllamaHost(next.OllamaURL); local {
		next.AllowRemoteOllama = false // nothing to allow
	}
	if p.Model != nil {
		m := strings.TrimSpace(*p.Model)
		if strings.ContainsFunc(m, func(r rune) bool { return r <= ' ' }) {
			return Settings{}, &FieldError{"model", fmt.Errorf("model name %q has spaces", m)}
		}
		next.Model = m
	}
	if p.Theme != nil {
		switch *p.Theme {
		case ThemeSystem, ThemeLight, ThemeDark:
			next.Theme = *p.Theme
		default:
			return Settings{}, &FieldError{"theme", fmt.Errorf("%q is not one of system, light, dark", *p.Theme)}
		}
	}
	return next, nil
}

// CheckZone accepts an IANA zone name that this machine's zone database
// knows, or "" for the machine's own zone.
func CheckZone(z string) error {
	if z == "" {
		return nil
	}
	if z == "Local" {
		return errors.New(`"Local" is no zone name: leave it empty for this machine's zone`)
	}
	if _, err := time.LoadLocation(z); err != nil {
		return fmt.Errorf("unknown time zone %q (use an IANA name such as Europe/Berlin)", z)
	}
	return nil
}

// Zone returns the location WhatsApp times are read in: the stored zone,
// else fallback.
func Zone(s Settings, fallback *time.Location) *time.Location {
	if s.WhatsAppZone != "" {
		if loc, err := time.LoadLocation(s.WhatsAppZone); err == nil {
			return loc
		}
	}
	return fallback
}

// cleanNames trims names, drops empty ones and repeats (in any case).
func cleanNames(field string, in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, n := range in {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if len([]rune(n)) > MaxNameLen {
			return nil, &FieldError{field, fmt.Errorf("name %.20q… is longer than %d characters", n, MaxNameLen)}
		}
		if strings.ContainsFunc(n, func(r rune) bool { return r < ' ' }) {
			return nil, &FieldError{field, fmt.Errorf("name %q holds a control character", n)}
		}
		k := strings.ToLower(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out, nil
}

func write(ctx context.Context, tx *store.Tx, s Settings) error {
	if err := tx.SetNames(ctx, store.SettingAgents, s.Agents); err != nil {
		return err
	}
	if err := tx.SetNames(ctx, store.SettingBots, s.Bots); err != nil {
		return err
	}
	remote := ""
	if s.AllowRemoteOllama {
		remote, _, _ = summarize.OllamaHost(s.OllamaURL)
	}
	for k, v := range map[string]string{store.SettingWhatsAppZone: s.WhatsAppZone, KeyOllamaURL: s.OllamaURL,
		KeyOllamaModel: s.Model, KeyOllamaRemote: remote, store.SettingTheme: themeValue(s.Theme)} {
		var err error
		if v == "" {
			err = tx.DeleteSetting(ctx, k)
		} else {
			err = tx.SetSetting(ctx, k, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func themeValue(t string) string {
	if t == ThemeSystem {
		return ""
	}
	return t
}
