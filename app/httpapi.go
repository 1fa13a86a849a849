package app

// The service methods as JSON over HTTP, for `sessions serve` and the
// local socket: POST /api/<Service>/<Method> with the positional arguments
// as a JSON array, exactly what Wails sends the window's bindings, so the
// frontend's one API module differs between the two only in transport.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	// maxJSONBody bounds a method call's body: the largest argument is a
	// list filter or a list of paths, far below this.
	maxJSONBody = 1 << 20
	// maxUploadBody bounds one upload in all; the importer's own limits
	// (zip bombs, over-long lines) still apply to what it holds.
	maxUploadBody = 4 << 30
)

// apiError is the body of every failed /api call.
type apiError struct {
	Error string `json:"error"`
}

func writeAPIJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write API response", "err", err)
	}
}

func writeAPIError(w http.ResponseWriter, code int, msg string) {
	writeAPIJSON(w, code, apiError{Error: msg})
}

// apiHandler routes method calls to the contract's methods.
type apiHandler struct {
	methods map[string]Method // "Service/Method"
	log     *slog.Logger
}

func newAPIHandler(methods []Method, log *slog.Logger) *apiHandler {
	h := &apiHandler{methods: map[string]Method{}, log: log}
	for _, m := range methods {
		h.methods[m.Service+"/"+m.Name] = m
	}
	return h
}

// ServeHTTP answers POST /api/{service}/{method}.
func (h *apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m, ok := h.methods[r.PathValue("service")+"/"+r.PathValue("method")]
	if !ok {
		writeAPIError(w, http.StatusNotFound, "unknown method "+r.PathValue("service")+"."+r.PathValue("method"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAPIError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxJSONBody))
			return
		}
		writeAPIError(w, http.StatusBadRequest, "read request body: "+err.Error())
		return
	}
	res, err := h.call(m, body)
	switch {
	case errors.Is(err, errBadArgs):
		writeAPIError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		writeAPIError(w, http.StatusInternalServerError, err.Error())
	default:
		writeAPIJSON(w, http.StatusOK, res)
	}
}

// call calls a method, turning a panic into an error so one bad call
// cannot take the server down.
func (h *apiHandler) call(m Method, body []byte) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("API method panicked", "method", m.Service+"."+m.Name, "panic", p)
			res, err = nil, fmt.Errorf("%s.%s failed unexpectedly (see the server's log)", m.Service, m.Name)
		}
	}()
	return m.call(body)
}

// uploadHandler is the browser's import button: the files arrive in a
// multipart body, are written under a temporary folder in the data dir
// (same disk, owner-only), imported like any other path, then removed.
type uploadHandler struct {
	dataDir string
	// importPaths is the services' import (one at a time, then the steps
	// after an import).
	importPaths func(r *http.Request, paths []string) (*ImportReport, error)
	limit       int64
	log         *slog.Logger
}

// uploadPrefix names the temporary folders, so a crash's leftovers can be
// recognised and removed at the next start.
const uploadPrefix = ".upload-"

func (h *uploadHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, h.limit)
	mr, err := r.MultipartReader()
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, "want a multipart/form-data body with the files in the field \"files\"")
		return
	}
	tmp, err := os.MkdirTemp(h.dataDir, uploadPrefix+"*")
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, fmt.Sprintf("make a folder for the upload: %v", err))
		return
	}
	defer func() {
		if err := os.RemoveAll(tmp); err != nil {
			h.log.Warn("remove uploaded files", "dir", tmp, "err", err)
		}
	}()
	paths, names, code, err := h.save(mr, tmp)
	if err != nil {
		writeAPIError(w, code, err.Error())
		return
	}
	rep, err := h.importPaths(r, paths)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	// The report names the files as the user picked them, not where they
	// were kept for the import.
	for i := range rep.Files {
		rep.Files[i].Path = uploadedName(rep.Files[i].Path, tmp, names)
		if e := rep.Files[i].Error; e != nil {
			msg := strings.ReplaceAll(*e, tmp+string(filepath.Separator), "")
			rep.Files[i].Error = &msg
		}
	}
	writeAPIJSON(w, http.StatusOK, rep)
}

// save writes each uploaded file to its own numbered folder under tmp,
// keeping its name (an export's name can say whose chat it is) without
// letting two files of the same name collide.
func (h *uploadHandler) save(mr *multipart.Reader, tmp string) (paths, names []string, code int, err error) {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, uploadErrCode(err), fmt.Errorf("read the upload: %w", err)
		}
		if part.FormName() != "files" || part.FileName() == "" {
			part.Close()
			continue
		}
		name := safeUploadName(part.FileName())
		if name == "" {
			part.Close()
			return nil, nil, http.StatusBadRequest, fmt.Errorf("an uploaded file has no usable name (%q)", part.FileName())
		}
		dir := filepath.Join(tmp, strconv.Itoa(len(paths)))
		if err := os.Mkdir(dir, 0o700); err != nil {
			part.Close()
			return nil, nil, http.StatusInternalServerError, fmt.Errorf("keep uploaded file %s: %w", name, err)
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			part.Close()
			return nil, nil, http.StatusInternalServerError, fmt.Errorf("keep uploaded file %s: %w", name, err)
		}
		_, err = io.Copy(f, part)
		part.Close()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, nil, uploadErrCode(err), fmt.Errorf("receive uploaded file %s: %w", name, err)
		}
		paths = append(paths, p)
		names = append(names, name)
	}
	if len(paths) == 0 {
		return nil, nil, http.StatusBadRequest, errors.New("no files uploaded (want them in the field \"files\")")
	}
	return paths, names, 0, nil
}

func uploadErrCode(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// safeUploadName is the last element of a browser's file name, or "" when
// there is none to use. Browsers send the bare name; a hand-made request
// may send a path, which must not leave the upload's folder.
func safeUploadName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, 0) {
		return ""
	}
	return name
}

// uploadedName turns a kept file's path back into the name it was
// uploaded with (and, for a zip, the entry inside it).
func uploadedName(p, tmp string, names []string) string {
	rest, ok := strings.CutPrefix(p, tmp+string(filepath.Separator))
	if !ok {
		return p
	}
	idx, after, _ := strings.Cut(rest, string(filepath.Separator))
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(names) {
		return p
	}
	after, _ = strings.CutPrefix(after, names[i])
	return names[i] + after
}

// removeStaleUploads removes upload folders a crashed server left behind.
func removeStaleUploads(dataDir string, log *slog.Logger) {
	old, _ := filepath.Glob(filepath.Join(dataDir, uploadPrefix+"*"))
	for _, d := range old {
		if err := os.RemoveAll(d); err != nil {
			log.Warn("remove an old upload", "dir", d, "err", err)
		}
	}
}
