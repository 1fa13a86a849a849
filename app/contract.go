package app

// The contract between the UI and the program, read from the Go types
// themselves: every exported method of every bound service, as Wails binds
// them. The HTTP router (httpapi.go) calls methods from this table, and the
// TypeScript generator below writes frontend/src/lib/contract.gen.ts from
// it, so the window, the browser and the types the frontend compiles
// against cannot drift apart.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sessions-app/sessions/backend/summaries"
)

// Method is one bound service method: what the UI may call as
// window.go.app.<Service>.<Name>(args...) or POST /api/<Service>/<Name>.
type Method struct {
	Service string
	Name    string
	// Args are the types of the positional arguments.
	Args []reflect.Type
	// Result is the type of the value returned besides the error; nil when
	// the method returns only an error or nothing.
	Result reflect.Type
	// ReturnsError says whether the last result is an error.
	ReturnsError bool
	fn           reflect.Value
}

var (
	errorType   = reflect.TypeFor[error]()
	contextType = reflect.TypeFor[context.Context]()
	timeType    = reflect.TypeFor[time.Time]()
)

// contractOf lists the exported methods of each bound service pointer, sorted
// by service and method name. It fails on a method the UI could not call the
// way Wails calls it (a context, func or channel argument, more than one
// result besides an error), so such a method is noticed when it is added, not
// when the page calls it.
func contractOf(bindings []any) ([]Method, error) {
	var out []Method
	seen := map[string]bool{}
	for _, b := range bindings {
		v := reflect.ValueOf(b)
		t := v.Type()
		if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
			return nil, fmt.Errorf("bind %v: want a pointer to a struct", t)
		}
		service := t.Elem().Name()
		if seen[service] {
			return nil, fmt.Errorf("bind %s: bound twice", service)
		}
		seen[service] = true
		for i := range t.NumMethod() {
			m := t.Method(i)
			meth := Method{Service: service, Name: m.Name, fn: v.Method(i)}
			ft := m.Type
			for j := 1; j < ft.NumIn(); j++ { // 0 is the receiver
				a := ft.In(j)
				if err := callable(a); err != nil {
					return nil, fmt.Errorf("bind %s.%s: argument %d: %w", service, m.Name, j, err)
				}
				meth.Args = append(meth.Args, a)
			}
			if ft.IsVariadic() {
				return nil, fmt.Errorf("bind %s.%s: variadic methods cannot be called with a JSON array", service, m.Name)
			}
			outs := make([]reflect.Type, 0, ft.NumOut())
			for j := range ft.NumOut() {
				outs = append(outs, ft.Out(j))
			}
			if n := len(outs); n > 0 && outs[n-1] == errorType {
				meth.ReturnsError = true
				outs = outs[:n-1]
			}
			switch {
			case len(outs) > 1:
				return nil, fmt.Errorf("bind %s.%s: more than one result besides an error", service, m.Name)
			case len(outs) == 1:
				if err := callable(outs[0]); err != nil {
					return nil, fmt.Errorf("bind %s.%s: result: %w", service, m.Name, err)
				}
				meth.Result = outs[0]
			}
			out = append(out, meth)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// callable rejects types that cannot cross JSON.
func callable(t reflect.Type) error {
	if t == contextType {
		return errors.New("context.Context: bound methods take no context (the service has its own)")
	}
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("%v cannot be sent as JSON", t)
	}
	return nil
}

// errBadArgs marks arguments that do not fit the method (HTTP 400).
var errBadArgs = errors.New("bad arguments")

// call decodes the JSON array body into the method's arguments and calls it.
// Unknown fields in an argument are refused, so a misspelt filter is an
// error rather than a silently wider page.
func (m Method) call(body []byte) (any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("[]")
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%w: the body must be a JSON array of the arguments: %v", errBadArgs, err)
	}
	if len(raw) != len(m.Args) {
		return nil, fmt.Errorf("%w: %s.%s takes %d arguments, got %d", errBadArgs, m.Service, m.Name, len(m.Args), len(raw))
	}
	in := make([]reflect.Value, len(m.Args))
	for i, t := range m.Args {
		p := reflect.New(t)
		dec := json.NewDecoder(bytes.NewReader(raw[i]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			return nil, fmt.Errorf("%w: argument %d of %s.%s: %v", errBadArgs, i+1, m.Service, m.Name, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("%w: argument %d of %s.%s: more than one value", errBadArgs, i+1, m.Service, m.Name)
		}
		in[i] = p.Elem()
	}
	outs := m.fn.Call(in)
	if m.ReturnsError {
		if e := outs[len(outs)-1]; !e.IsNil() {
			return nil, e.Interface().(error)
		}
	}
	if m.Result == nil {
		return nil, nil
	}
	return outs[0].Interface(), nil
}

// Event is an event the program sends the UI: by Wails' runtime.EventsEmit
// in the window, as server-sent events in serve.
type Event struct {
	// Key names the event in the generated Events constant.
	Key     string
	Name    string
	Payload reflect.Type
}

// contractEvents lists every event the UI can listen to, with its payload.
func contractEvents() []Event {
	return []Event{
		{Key: "ImportReport", Name: EventImportReport, Payload: reflect.TypeFor[ImportReport]()},
		{Key: "ImportBusy", Name: EventImportBusy, Payload: reflect.TypeFor[bool]()},
		{Key: "IndexProgress", Name: EventIndexProgress, Payload: reflect.TypeFor[IndexProgress]()},
		{Key: "SummaryProgress", Name: EventSummaryProgress, Payload: reflect.TypeFor[summaries.Progress]()},
	}
}

// Docs are the Go doc comments the generator copies next to the types:
// by "pkgpath.Type" and "pkgpath.Type.Field". Missing entries are fine.
type Docs map[string]string

// ParamNames are the Go parameter names by "Service.Method"; argN is used
// where one is missing.
type ParamNames map[string][]string

// tsGen writes TypeScript declarations for Go types.
type tsGen struct {
	docs  Docs
	names map[reflect.Type]string // struct type → its TS name
	order []reflect.Type
	// input holds the structs only ever sent to the program: their fields
	// may be left out (Go reads them as zero), so they are optional.
	input map[reflect.Type]bool
}

// GenerateTS writes the TypeScript contract: an interface per struct
// reachable from the methods and events, an interface per service, the
// event names and their payloads. The output depends only on the types, in
// a sorted order, so regenerating an unchanged contract changes nothing.
func GenerateTS(w io.Writer, methods []Method, events []Event, docs Docs, params ParamNames) error {
	g := &tsGen{docs: docs, names: map[reflect.Type]string{}}
	ins, outs := map[reflect.Type]bool{}, map[reflect.Type]bool{}
	for _, m := range methods {
		for _, a := range m.Args {
			if err := g.collect(a, ins); err != nil {
				return err
			}
		}
		if m.Result != nil {
			if err := g.collect(m.Result, outs); err != nil {
				return err
			}
		}
	}
	for _, e := range events {
		if err := g.collect(e.Payload, outs); err != nil {
			return err
		}
	}
	structs := map[reflect.Type]bool{}
	g.input = map[reflect.Type]bool{}
	for t := range ins {
		structs[t] = true
		if !outs[t] {
			g.input[t] = true
		}
	}
	for t := range outs {
		structs[t] = true
	}
	g.name(structs)

	var b strings.Builder
	b.WriteString("// Code generated by go test ./app -run TestContractTypes -update; DO NOT EDIT.\n")
	b.WriteString("// The types of every service method, view and event, from the Go structs of\n")
	b.WriteString("// package app and the backend (app/contract.go writes this file).\n\n")
	b.WriteString("/* eslint-disable */\n\n")
	for _, t := range g.order {
		if err := g.writeStruct(&b, t); err != nil {
			return err
		}
	}

	services := []string{}
	byService := map[string][]Method{}
	for _, m := range methods {
		if _, ok := byService[m.Service]; !ok {
			services = append(services, m.Service)
		}
		byService[m.Service] = append(byService[m.Service], m)
	}
	for _, s := range services {
		writeDoc(&b, "", docs[pkgPathApp+"."+s])
		fmt.Fprintf(&b, "export interface %s {\n", s)
		for _, m := range byService[s] {
			names := params[s+"."+m.Name]
			args := make([]string, len(m.Args))
			for i, a := range m.Args {
				n := "arg" + strconv.Itoa(i)
				if i < len(names) && names[i] != "" && names[i] != "_" {
					n = names[i]
				}
				if tsReserved[n] {
					// A Go name such as `in` or `delete` cannot name a
					// TypeScript parameter: Vite refuses the whole file.
					n += "_"
				}
				args[i] = n + ": " + g.expr(a, true) // null is never needed
			}
			res := "void"
			if m.Result != nil {
				// A call that did not fail returns the value itself, so a
				// pointer result is the struct, not "or null".
				rt := m.Result
				if rt.Kind() == reflect.Pointer {
					rt = rt.Elem()
				}
				res = g.expr(rt, false)
			}
			writeDoc(&b, "  ", docs[pkgPathApp+"."+s+"."+m.Name])
			fmt.Fprintf(&b, "  %s(%s): Promise<%s>\n", m.Name, strings.Join(args, ", "), res)
		}
		b.WriteString("}\n\n")
	}

	b.WriteString("/** The bound services and their methods, as window.go.app.<service>.<method> and POST /api/<service>/<method>. */\n")
	b.WriteString("export const Services = {\n")
	for _, s := range services {
		ms := make([]string, 0, len(byService[s]))
		for _, m := range byService[s] {
			ms = append(ms, tsString(m.Name))
		}
		fmt.Fprintf(&b, "  %s: [%s],\n", s, strings.Join(ms, ", "))
	}
	b.WriteString("} as const\n\n")
	b.WriteString("export type ServiceName = keyof typeof Services\n\n")
	b.WriteString("export interface ServiceTypes {\n")
	for _, s := range services {
		fmt.Fprintf(&b, "  %s: %s\n", s, s)
	}
	b.WriteString("}\n\n")

	evs := append([]Event(nil), events...)
	sort.Slice(evs, func(i, j int) bool { return evs[i].Key < evs[j].Key })
	b.WriteString("/** The events the program sends: runtime.EventsOn in the window, server-sent events (GET /api/events) in the browser. */\n")
	b.WriteString("export const Events = {\n")
	for _, e := range evs {
		fmt.Fprintf(&b, "  %s: %s,\n", e.Key, tsString(e.Name))
	}
	b.WriteString("} as const\n\n")
	b.WriteString("export type EventName = (typeof Events)[keyof typeof Events]\n\n")
	b.WriteString("/** The payload of each event, by its name. */\n")
	b.WriteString("export interface EventPayloads {\n")
	for _, e := range evs {
		fmt.Fprintf(&b, "  %s: %s\n", tsString(e.Name), g.expr(e.Payload, false))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

const pkgPathApp = "github.com/sessions-app/sessions/app"

// collect finds the named struct types t refers to.
func (g *tsGen) collect(t reflect.Type, seen map[reflect.Type]bool) error {
	switch {
	case t == timeType || special(t) != "":
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return g.collect(t.Elem(), seen)
	case reflect.Map:
		if err := g.collect(t.Key(), seen); err != nil {
			return err
		}
		return g.collect(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return nil
		}
		if t.Name() == "" {
			return fmt.Errorf("contract: anonymous struct %v: give it a name", t)
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			if tag := f.Tag.Get("json"); tag == "-" {
				continue
			}
			if err := g.collect(f.Type, seen); err != nil {
				return err
			}
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("contract: %v cannot be sent as JSON", t)
	}
	return nil
}

// name gives every struct a TS name: its Go name, or the package and the
// name when two packages use the same one. Types are written sorted by name.
func (g *tsGen) name(structs map[reflect.Type]bool) {
	count := map[string]int{}
	for t := range structs {
		count[t.Name()]++
	}
	for t := range structs {
		n := t.Name()
		if count[n] > 1 && t.PkgPath() != pkgPathApp {
			p := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
			n = string(unicode.ToUpper(rune(p[0]))) + p[1:] + n
		}
		n = strings.Map(func(r rune) rune {
			if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return '_'
		}, n)
		g.names[t] = n
		g.order = append(g.order, t)
	}
	sort.Slice(g.order, func(i, j int) bool { return g.names[g.order[i]] < g.names[g.order[j]] })
}

// special maps types with their own JSON form.
func special(t reflect.Type) string {
	switch {
	case t == timeType:
		return "string" // RFC 3339
	case t == reflect.TypeFor[time.Duration]():
		return "number" // nanoseconds
	case t == reflect.TypeFor[json.RawMessage]():
		return "unknown"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "string" // base64
	case t.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()):
		return "unknown" // its own JSON: say nothing rather than something wrong
	case t.Implements(reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()):
		return "string"
	}
	return ""
}

// expr is the TS type of t; nullable adds "| null" where Go can send null.
func (g *tsGen) expr(t reflect.Type, omit bool) string {
	if s := special(t); s != "" {
		return s
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Interface:
		return "unknown"
	case reflect.Pointer:
		if omit { // a nil pointer is left out, never null
			return g.expr(t.Elem(), false)
		}
		return g.expr(t.Elem(), false) + " | null"
	case reflect.Slice:
		el := g.expr(t.Elem(), false)
		if strings.Contains(el, " ") {
			el = "(" + el + ")"
		}
		if omit {
			return el + "[]"
		}
		return el + "[] | null" // a nil slice is null
	case reflect.Array:
		el := g.expr(t.Elem(), false)
		if strings.Contains(el, " ") {
			el = "(" + el + ")"
		}
		return el + "[]"
	case reflect.Map:
		r := "Record<string, " + g.expr(t.Elem(), false) + ">"
		if omit {
			return r
		}
		return r + " | null"
	case reflect.Struct:
		return g.names[t]
	}
	return "unknown"
}

// tsField is one JSON field of a struct.
type tsField struct {
	name, typ, doc string
	optional       bool
}

// writeStruct writes the interface of a struct. Embedded structs without a
// JSON name are JSON's flattened fields; they become "extends" when none
// of their fields is shadowed, else their fields are copied in.
func (g *tsGen) writeStruct(b *strings.Builder, t reflect.Type) error {
	own, embeds := g.fields(t)
	ownNames := map[string]bool{}
	for _, f := range own {
		ownNames[f.name] = true
	}
	var extends []string
	for _, e := range embeds {
		ef := g.flatFields(e)
		clash := false
		for _, f := range ef {
			if ownNames[f.name] {
				clash = true
			}
		}
		if !clash && len(embeds) == 1 {
			extends = append(extends, g.names[e])
			continue
		}
		for _, f := range ef {
			if !ownNames[f.name] {
				own = append(own, f)
				ownNames[f.name] = true
			}
		}
	}
	writeDoc(b, "", g.docs[t.PkgPath()+"."+t.Name()])
	fmt.Fprintf(b, "export interface %s", g.names[t])
	if len(extends) > 0 {
		fmt.Fprintf(b, " extends %s", strings.Join(extends, ", "))
	}
	b.WriteString(" {\n")
	for _, f := range own {
		writeDoc(b, "  ", f.doc)
		opt := ""
		if f.optional {
			opt = "?"
		}
		fmt.Fprintf(b, "  %s%s: %s\n", tsKey(f.name), opt, f.typ)
	}
	b.WriteString("}\n\n")
	return nil
}

// fields returns the struct's own JSON fields and its embedded structs.
func (g *tsGen) fields(t reflect.Type) (own []tsField, embeds []reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && special(et) == "" {
				embeds = append(embeds, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero") || g.input[t]
		typ := g.expr(ft, omit)
		if hasOpt(opts, "string") {
			typ = "string"
		}
		own = append(own, tsField{name: name, typ: typ, optional: omit, doc: g.docs[t.PkgPath()+"."+t.Name()+"."+f.Name]})
	}
	return own, embeds
}

// flatFields is every JSON field of t, its embedded ones included.
func (g *tsGen) flatFields(t reflect.Type) []tsField {
	own, embeds := g.fields(t)
	names := map[string]bool{}
	for _, f := range own {
		names[f.name] = true
	}
	for _, e := range embeds {
		for _, f := range g.flatFields(e) {
			if !names[f.name] {
				own = append(own, f)
				names[f.name] = true
			}
		}
	}
	return own
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// tsKey quotes a property name that is not a plain identifier.
func tsKey(s string) string {
	for i, r := range s {
		if !(r == '_' || r == '$' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return tsString(s)
		}
	}
	if s == "" {
		return "''"
	}
	return s
}

func tsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// writeDoc writes a Go comment as a JSDoc comment.
func writeDoc(b *strings.Builder, indent, doc string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return
	}
	doc = strings.ReplaceAll(doc, "*/", "* /")
	lines := strings.Split(doc, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, lines[0])
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range lines {
		fmt.Fprintf(b, "%s * %s\n", indent, strings.TrimRight(l, " "))
	}
	fmt.Fprintf(b, "%s */\n", indent)
}

// tsReserved are the words a TypeScript parameter may not be named (the
// reserved words of ECMAScript's strict mode that Go allows as names).
var tsReserved = map[string]bool{
	"arguments": true, "await": true, "catch": true, "class": true, "delete": true, "enum": true,
	"eval": true, "export": true, "extends": true, "finally": true, "function": true, "implements": true,
	"in": true, "instanceof": true, "interface": true, "let": true, "new": true, "null": true,
	"package": true, "private": true, "protected": true, "public": true, "static": true, "super": true,
	"this": true, "throw": true, "true": true, "false": true, "try": true, "typeof": true, "void": true,
	"while": true, "with": true, "yield": true, "do": true,
}
