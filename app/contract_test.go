package app

import (
	"bytes"
	"context"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the generated contract (frontend/src/lib/contract.gen.ts)")

const contractFile = "../frontend/src/lib/contract.gen.ts"

// TestContractTypes fails when the checked-in TypeScript contract is not
// what the Go types give, so a field added in Go without regenerating
// breaks the build instead of the page.
func TestContractTypes(t *testing.T) {
	methods := contractMethods(t)
	got := generateContract(t, methods)
	if *update {
		if err := os.WriteFile(contractFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(contractFile)
	if err != nil {
		t.Fatalf("read the checked-in contract: %v (run: go test ./app -run TestContractTypes -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the Go types give: run go test ./app -run TestContractTypes -update\n%s", contractFile, firstLineDiff(string(want), string(got)))
	}
}

// contractMethods are the methods of the real services, over a real
// library in a temp dir.
func contractMethods(t *testing.T) []Method {
	t.Helper()
	ctx := context.Background()
	b, err := open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	svc := NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: b.dataDir})
	t.Cleanup(svc.Stop)
	methods, err := contractOf(svc.Bindings())
	if err != nil {
		t.Fatal(err)
	}
	return methods
}

func generateContract(t *testing.T, methods []Method) []byte {
	t.Helper()
	docs, params := goDocs(t, methods)
	var buf bytes.Buffer
	if err := GenerateTS(&buf, methods, contractEvents(), docs, params); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// firstDiff shows the first line that differs.
func firstLineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  checked in: " + w + "\n  generated:  " + g
		}
	}
	return ""
}

// goDocs reads the doc comments of the types, fields and methods in the
// contract and the parameter names of the methods from the Go sources.
func goDocs(t *testing.T, methods []Method) (Docs, ParamNames) {
	t.Helper()
	const module = "github.com/sessions-app/sessions/"
	pkgs := map[string]bool{pkgPathApp: true}
	var walk func(reflect.Type, map[reflect.Type]bool)
	walk = func(rt reflect.Type, seen map[reflect.Type]bool) {
		if seen[rt] {
			return
		}
		seen[rt] = true
		if strings.HasPrefix(rt.PkgPath(), module) {
			pkgs[rt.PkgPath()] = true
		}
		switch rt.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(rt.Elem(), seen)
		case reflect.Map:
			walk(rt.Elem(), seen)
		case reflect.Struct:
			for i := range rt.NumField() {
				walk(rt.Field(i).Type, seen)
			}
		}
	}
	seen := map[reflect.Type]bool{}
	for _, m := range methods {
		for _, a := range m.Args {
			walk(a, seen)
		}
		if m.Result != nil {
			walk(m.Result, seen)
		}
	}
	for _, e := range contractEvents() {
		walk(e.Payload, seen)
	}
	docs, params := Docs{}, ParamNames{}
	for pkg := range pkgs {
		dir := filepath.Join("..", strings.TrimPrefix(pkg, module))
		if pkg == pkgPathApp {
			dir = "."
		}
		fset := token.NewFileSet()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			readDocs(f, pkg, docs, params)
		}
	}
	return docs, params
}

func readDocs(f *ast.File, pkg string, docs Docs, params ParamNames) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok {
					continue
				}
				doc := ts.Doc
				if doc == nil && len(d.Specs) == 1 {
					doc = d.Doc
				}
				if doc != nil {
					docs[pkg+"."+ts.Name.Name] = doc.Text()
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fl := range st.Fields.List {
					c := fl.Doc
					if c == nil {
						c = fl.Comment
					}
					if c == nil {
						continue
					}
					for _, n := range fl.Names {
						docs[pkg+"."+ts.Name.Name+"."+n.Name] = c.Text()
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			recv := d.Recv.List[0].Type
			if s, ok := recv.(*ast.StarExpr); ok {
				recv = s.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok {
				continue
			}
			key := id.Name + "." + d.Name.Name
			if d.Doc != nil {
				docs[pkg+"."+key] = d.Doc.Text()
			}
			if pkg != pkgPathApp {
				continue
			}
			var names []string
			for _, p := range d.Type.Params.List {
				if len(p.Names) == 0 {
					names = append(names, "")
				}
				for _, n := range p.Names {
					names = append(names, n.Name)
				}
			}
			params[key] = names
		}
	}
}

// TestContractOf covers what the method table accepts and refuses.
func TestContractOf(t *testing.T) {
	tests := []struct {
		name     string
		bindings []any
		want     []string // Service.Method(args) result error
		err      string
	}{
		{name: "methods sorted, results and errors read", bindings: []any{&fakeB{}, &fakeA{}},
			want: []string{"fakeA.Get(int64) *app.ContactView true", "fakeA.Ping() <nil> false",
				"fakeB.Do(string,[]string) <nil> true"}},
		{name: "a context argument is refused", bindings: []any{&fakeCtx{}}, err: "take no context"},
		{name: "two results besides the error are refused", bindings: []any{&fakeTwo{}}, err: "more than one result"},
		{name: "a value, not a pointer, is refused", bindings: []any{fakeA{}}, err: "pointer to a struct"},
		{name: "a service bound twice is refused", bindings: []any{&fakeA{}, &fakeA{}}, err: "bound twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := contractOf(tc.bindings)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				args := make([]string, len(m.Args))
				for i, a := range m.Args {
					args[i] = a.String()
				}
				got = append(got, m.Service+"."+m.Name+"("+strings.Join(args, ",")+") "+typeString(m.Result)+" "+boolString(m.ReturnsError))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func typeString(t reflect.Type) string {
	if t == nil {
		return "<nil>"
	}
	return t.String()
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// TestGenerateTSShapes checks the TypeScript each Go shape becomes.
func TestGenerateTSShapes(t *testing.T) {
	ms, err := contractOf([]any{&fakeShapes{}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	docs := Docs{pkgPathApp + ".shapeOut.Plain": "Plain is documented."}
	if err := GenerateTS(&buf, ms, []Event{{Key: "Tick", Name: "x:tick", Payload: reflect.TypeFor[bool]()}}, docs, ParamNames{"fakeShapes.Shape": {"req"}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"// Code generated by",
		"export interface shapeIn {\n  id?: number\n  when?: string\n  raw?: string\n  wait_ns?: number\n  tags?: string[]\n}",
		"export interface shapeOut extends shapeBase {\n",
		"  /** Plain is documented. */\n  Plain: string\n",
		"  opt?: string\n",
		"  ptr: number | null\n",
		"  optptr?: number\n",
		"  list: string[] | null\n",
		"  ptrs: (string | null)[] | null\n",
		"  m: Record<string, number> | null\n",
		"  'dash-name': boolean\n",
		"  n64: string\n",
		"  any: unknown\n",
		"  Shape(req: shapeIn): Promise<shapeOut>\n",
		"  Nothing(): Promise<void>\n",
		"export const Services = {\n  fakeShapes: ['Nothing', 'Shape'],\n} as const",
		"export const Events = {\n  Tick: 'x:tick',\n} as const",
		"export interface EventPayloads {\n  'x:tick': boolean\n}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("generated TS lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") || strings.Contains(out, "secret") {
		t.Errorf("unexported or json:\"-\" fields leaked:\n%s", out)
	}
	var again bytes.Buffer
	if err := GenerateTS(&again, ms, []Event{{Key: "Tick", Name: "x:tick", Payload: reflect.TypeFor[bool]()}}, docs, ParamNames{"fakeShapes.Shape": {"req"}}); err != nil {
		t.Fatal(err)
	}
	if again.String() != out {
		t.Fatal("two runs over the same types differ")
	}
}

// TestGenerateTSReservedParam: a Go parameter named like a TypeScript
// reserved word (`in` broke every frontend build once) is renamed.
func TestGenerateTSReservedParam(t *testing.T) {
	ms, err := contractOf([]any{&fakeShapes{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"in", "delete", "new"} {
		var buf bytes.Buffer
		if err := GenerateTS(&buf, ms, nil, Docs{}, ParamNames{"fakeShapes.Shape": {name}}); err != nil {
			t.Fatal(err)
		}
		if want := "  Shape(" + name + "_: shapeIn)"; !strings.Contains(buf.String(), want) {
			t.Errorf("parameter %q: generated TS lacks %q:\n%s", name, want, buf.String())
		}
	}
}

type fakeA struct{}

func (*fakeA) Ping()                              {}
func (*fakeA) Get(id int64) (*ContactView, error) { return &ContactView{ID: id}, nil }

type fakeB struct{}

func (*fakeB) Do(s string, l []string) error { return nil }

type fakeCtx struct{}

func (*fakeCtx) Do(ctx context.Context) {}

type fakeTwo struct{}

func (*fakeTwo) Do() (int, int, error) { return 0, 0, nil }

type shapeBase struct {
	Base string `json:"base"`
}

type shapeIn struct {
	ID   int64         `json:"id"`
	When time.Time     `json:"when"`
	Raw  []byte        `json:"raw"`
	Wait time.Duration `json:"wait_ns"`
	Tags []string      `json:"tags"`
}

type shapeOut struct {
	shapeBase
	Plain  string
	Opt    string         `json:"opt,omitempty"`
	Ptr    *int           `json:"ptr"`
	OptPtr *int           `json:"optptr,omitempty"`
	List   []string       `json:"list"`
	Ptrs   []*string      `json:"ptrs"`
	M      map[string]int `json:"m"`
	Dash   bool           `json:"dash-name"`
	N64    int64          `json:"n64,string"`
	Any    any            `json:"any"`
	Secret string         `json:"-"`
	hidden string
}

type fakeShapes struct{}

func (*fakeShapes) Shape(req shapeIn) (*shapeOut, error) { return &shapeOut{hidden: ""}, nil }
func (*fakeShapes) Nothing()                             {}
