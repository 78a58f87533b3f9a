package locales_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Telegram keeps some texts shorter than a message: what the flows put in
// these fields of flows.Button, flows.Document, flows.Voice and
// flows.Command (and the Label of a flows.MenuItem) must fit them.
var fieldLimits = map[string]struct {
	max  int
	what string
}{
	// Telegram documents no limit for a button's text, but it shows about
	// one line and cuts the rest: a label longer than this is not read.
	"Label": {64, "button label"},
	// Captions of documents and voice messages: 1024 characters.
	"Caption": {1024, "caption"},
	// BotCommand descriptions: 1 to 256 characters.
	"Description": {256, "command description"},
}

// fieldUse is where one message id may go: a field of fieldLimits.
type fieldUse struct {
	field string
	at    string // file:line of the use, for the failure message
}

// usesInFlows reads the Go sources of the flows and finds which message ids
// go into a field with a tighter limit. Reading the code rather than keeping
// a list means a new button is checked the day it is written. An id is
// found when written as a literal, as a literal prefix ("interview.job_" + j),
// through a variable or parameter given literals, or as what a function
// returns; any other expression fails the test, so that no label escapes.
func usesInFlows(t *testing.T, ids []string) map[string][]fieldUse {
	t.Helper()
	src := loadSources(t, filepath.Join("..", "flows"))
	out := map[string][]fieldUse{}
	use := func(field string, value ast.Expr) {
		if _, limited := fieldLimits[field]; !limited {
			return
		}
		expr, ok := src.idExpr(value)
		if !ok {
			return
		}
		at := src.fset.Position(value.Pos()).String()
		found, err := src.resolve(expr, ids, 0)
		if err != nil {
			t.Errorf("%s: cannot tell which message ids %s holds (%v): write them as literals, or teach usesInFlows", at, field, err)
			return
		}
		if len(found) == 0 {
			t.Errorf("%s: %s names no message id", at, field)
		}
		for _, id := range found {
			out[id] = append(out[id], fieldUse{field: field, at: at})
		}
	}
	for _, f := range src.files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			fields := src.structs[typeName(lit.Type)]
			for i, el := range lit.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*ast.Ident); ok {
						use(key.Name, kv.Value)
					}
				} else if i < len(fields) {
					// MenuItem{"menu.lang", "/lang"}: fields in order.
					use(fields[i], el)
				}
			}
			return true
		})
	}
	return out
}

// typeName is the name of a composite literal's type, without its package.
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// sources are the parsed files of a tree, with their functions by name.
type sources struct {
	fset  *token.FileSet
	files []*ast.File
	funcs map[string][]*ast.FuncDecl
	// structs are the field names of the struct types, in order.
	structs map[string][]string
	// encl maps a node's position to its innermost enclosing function
	// (a declaration or a literal), filled while walking.
	encl map[token.Pos][]ast.Node
}

func loadSources(t *testing.T, root string) *sources {
	t.Helper()
	s := &sources{fset: token.NewFileSet(), funcs: map[string][]*ast.FuncDecl{}, structs: map[string][]string{}, encl: map[token.Pos][]ast.Node{}}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(s.fset, path, nil, 0)
		if err != nil {
			return err
		}
		s.files = append(s.files, f)
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				s.funcs[fd.Name.Name] = append(s.funcs[fd.Name.Name], fd)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if st, ok := ts.Type.(*ast.StructType); ok {
					var names []string
					for _, field := range st.Fields.List {
						for _, n := range field.Names {
							names = append(names, n.Name)
						}
					}
					s.structs[ts.Name.Name] = names
				}
			}
			return true
		})
		s.index(f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.files) == 0 {
		t.Fatalf("no Go files under %s", root)
	}
	return s
}

// index records, for every identifier, the functions enclosing it, innermost last.
func (s *sources) index(f *ast.File) {
	var stack []ast.Node
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			stack = append(stack, n)
			ast.Inspect(n, func(c ast.Node) bool {
				if c == n {
					return true
				}
				return walk(c)
			})
			stack = stack[:len(stack)-1]
			return false
		case *ast.Ident:
			s.encl[n.Pos()] = append([]ast.Node(nil), stack...)
		}
		return true
	}
	ast.Inspect(f, walk)
}

// idExpr is the expression naming the message id of a limited field's
// value: the ID of a T literal, a string (a MenuItem's Label), or a call of
// a function returning a T. Other values (a T{Plain: ...}, what a person
// typed) carry no id.
func (s *sources) idExpr(v ast.Expr) (ast.Expr, bool) {
	switch v := v.(type) {
	case *ast.CompositeLit:
		if !isT(v.Type) {
			return nil, false
		}
		for _, el := range v.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "ID") {
				if sel, ok := kv.Value.(*ast.SelectorExpr); ok && sel.Sel.Name == "Label" {
					// T{ID: it.Label} of a MenuItem: its literal is
					// found where the MenuItem is written.
					return nil, false
				}
				return kv.Value, true
			}
		}
		return nil, false
	case *ast.BasicLit:
		return v, true
	case *ast.CallExpr:
		return v, true
	}
	return nil, false
}

func isT(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "T"
	case *ast.SelectorExpr:
		return e.Sel.Name == "T"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// resolve lists the ids that e may hold.
func (s *sources) resolve(e ast.Expr, ids []string, depth int) ([]string, error) {
	if depth > 5 {
		return nil, fmt.Errorf("too deep")
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		v, err := strconv.Unquote(e.Value)
		if err != nil || e.Kind != token.STRING {
			return nil, fmt.Errorf("not a string: %s", e.Value)
		}
		return []string{v}, nil
	case *ast.BinaryExpr:
		// "interview.job_" + j: every id with that prefix and one word
		// after it, so that "appointment.kind_" + k is not taken to mean
		// appointment.kind_not_understood.
		lit, ok := e.X.(*ast.BasicLit)
		if !ok || e.Op != token.ADD {
			return nil, fmt.Errorf("an expression that is not a literal prefix")
		}
		prefix, err := strconv.Unquote(lit.Value)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, id := range ids {
			if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" && !strings.ContainsAny(rest, "_.") {
				out = append(out, id)
			}
		}
		return out, nil
	case *ast.Ident:
		return s.resolveIdent(e, ids, depth)
	case *ast.CallExpr:
		return s.resolveCall(e, ids, depth)
	}
	return nil, fmt.Errorf("an expression of type %T", e)
}

// resolveIdent finds the literals a variable is given in its function, or,
// for a parameter, the arguments of every call of that function.
func (s *sources) resolveIdent(id *ast.Ident, ids []string, depth int) ([]string, error) {
	stack := s.encl[id.Pos()]
	if len(stack) == 0 {
		return nil, fmt.Errorf("%s outside a function", id.Name)
	}
	fn := stack[len(stack)-1]
	var out []string
	var errs []error
	ast.Inspect(fn, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if isIdent(l, id.Name) {
				got, err := s.resolve(as.Rhs[i], ids, depth+1)
				out, errs = append(out, got...), appendErr(errs, err)
			}
		}
		return true
	})
	if i, ok := paramIndex(fn, id.Name); ok {
		for _, call := range s.callsOf(fn, stack) {
			if i >= len(call.Args) {
				continue
			}
			got, err := s.resolve(call.Args[i], ids, depth+1)
			out, errs = append(out, got...), appendErr(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s is given no literal", id.Name)
	}
	return out, nil
}

func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}

// paramIndex is the position of the parameter called name of fn.
func paramIndex(fn ast.Node, name string) (int, bool) {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	i := 0
	for _, field := range ft.Params.List {
		for _, n := range field.Names {
			if n.Name == name {
				return i, true
			}
			i++
		}
	}
	return 0, false
}

// callsOf lists the calls of fn: of a declared function anywhere, of a
// function literal through the variable it is assigned to, in its enclosing function.
func (s *sources) callsOf(fn ast.Node, stack []ast.Node) []*ast.CallExpr {
	var name string
	var scope []ast.Node
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		name = fn.Name.Name
		for _, f := range s.files {
			scope = append(scope, f)
		}
	case *ast.FuncLit:
		if len(stack) < 2 {
			return nil
		}
		outer := stack[len(stack)-2]
		ast.Inspect(outer, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
				for i, r := range as.Rhs {
					if r == fn {
						if l, ok := as.Lhs[i].(*ast.Ident); ok {
							name = l.Name
						}
					}
				}
			}
			return name == ""
		})
		scope = []ast.Node{outer}
	}
	var calls []*ast.CallExpr
	for _, sc := range scope {
		ast.Inspect(sc, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			switch f := call.Fun.(type) {
			case *ast.Ident:
				if f.Name == name {
					calls = append(calls, call)
				}
			case *ast.SelectorExpr:
				if f.Sel.Name == name {
					calls = append(calls, call)
				}
			}
			return true
		})
	}
	return calls
}

// resolveCall lists the ids of the T literals a declared function returns.
func (s *sources) resolveCall(call *ast.CallExpr, ids []string, depth int) ([]string, error) {
	f, ok := call.Fun.(*ast.Ident)
	if !ok || len(s.funcs[f.Name]) != 1 {
		return nil, fmt.Errorf("a call that is not of one function of the flows")
	}
	var out []string
	var errs []error
	ast.Inspect(s.funcs[f.Name][0].Body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			return true
		}
		for _, r := range ret.Results {
			if e, ok := s.idExpr(r); ok {
				got, err := s.resolve(e, ids, depth+1)
				out, errs = append(out, got...), appendErr(errs, err)
			}
		}
		return true
	})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	sort.Strings(out)
	return out, nil
}
