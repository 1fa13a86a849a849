package app

// SaveFile of the tests' window: no dialog is shown, so it is cancelled;
// savingShell answers with a path.
func (r *recordingShell) SaveFile(string, string) (string, error) { return "", nil }

// savingShell is a window whose save dialog answers path.
type savingShell struct {
	recordingShell
	path    string
	offered string // the name the dialog suggested
}

func (s *savingShell) SaveFile(_, defaultName string) (string, error) {
	s.offered = defaultName
	return s.path, nil
}
