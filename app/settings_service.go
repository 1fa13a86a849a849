package app

import goruntime "runtime"

// AppInfo tells the UI where the data lives, for the empty state's advice,
// and what the transport it is reached through can do.
type AppInfo struct {
	DataDir string `json:"data_dir"`
	Version string `json:"version"`
	// FileDrop says whether files dropped on the window are imported:
	// Wails 2.9 does not deliver drops on Linux (wailsapp/wails#3563).
	FileDrop bool `json:"file_drop"`
	// Transport is "desktop" (the window) or "serve" (a browser).
	Transport string `json:"transport"`
	// Dialogs says whether native file dialogs open (ChooseAndImport,
	// ChooseWatchFolder); a browser uploads files instead.
	Dialogs bool `json:"dialogs"`
}

// SettingsService tells the UI about the installation; the settings it
// edits come with the next issues.
type SettingsService struct {
	c         *core
	transport string
}

// AppInfo returns facts about this installation.
func (s *SettingsService) AppInfo() AppInfo {
	desktop := s.transport == TransportDesktop
	return AppInfo{DataDir: s.c.dataDir, Version: Version, FileDrop: desktop && goruntime.GOOS != "linux",
		Transport: s.transport, Dialogs: desktop}
}
