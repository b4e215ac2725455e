package database_test

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestTransactionsUseTheirTx reads the whole module (without tests) and fails on any place
// where code that holds a transaction reaches for the pool instead: a store's own database
// handle used inside a transaction closure, or a call to a function that (directly or through
// the functions it calls) uses such a handle. While a transaction holds one connection, a read
// through the pool waits for a second one; with enough concurrent writers every connection is
// held by a transaction waiting for another, and the whole site stops.
//
// Code holding a transaction is a function literal or function with a pgx.Tx parameter. A
// store bound to the transaction with WithTx(tx) is fine, whether called at once or kept in a
// local variable.
func TestTransactionsUseTheirTx(t *testing.T) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports, Dir: "../.."}
	pkgs, err := packages.Load(cfg, "penggerak/...")
	if err != nil {
		t.Fatal(err)
	}
	var c txChecker
	c.init(pkgs)
	if len(c.funcs) < 100 {
		t.Fatalf("read only %d functions of the module; the loader found too little to check", len(c.funcs))
	}
	problems := c.check()
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// fn is one declared function or method of the module with what the check needs of it.
type fn struct {
	decl *ast.FuncDecl
	info *types.Info
	// usesHandle: its body mentions a stored database handle (a struct field that is the
	// pool or a database.DB), so calling it reaches for a connection of its own.
	usesHandle bool
	callees    []*types.Func
}

type txChecker struct {
	fset  *token.FileSet
	funcs map[*types.Func]*fn
}

func (c *txChecker) init(pkgs []*packages.Package) {
	c.funcs = map[*types.Func]*fn{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if !strings.HasPrefix(p.PkgPath, "penggerak") {
			return
		}
		if c.fset == nil {
			c.fset = p.Fset
		}
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				obj, _ := p.TypesInfo.Defs[fd.Name].(*types.Func)
				if obj == nil {
					continue
				}
				c.funcs[obj] = &fn{decl: fd, info: p.TypesInfo}
			}
		}
	})
	for _, f := range c.funcs {
		if f.decl.Name.Name == "WithTx" { // binds a copy of the store: sets the handle, uses none
			continue
		}
		ast.Inspect(f.decl.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if isStoredHandle(f.info, n) {
					f.usesHandle = true
				}
			case *ast.CallExpr:
				if callee := c.staticCallee(f.info, n); callee != nil && !boundReceiver(f.info, n, nil) {
					f.callees = append(f.callees, callee)
				}
			}
			return true
		})
	}
	// Propagate: a function that calls one using a handle uses one too.
	for changed := true; changed; {
		changed = false
		for _, f := range c.funcs {
			if f.usesHandle {
				continue
			}
			for _, callee := range f.callees {
				if g := c.funcs[callee]; g != nil && g.usesHandle {
					f.usesHandle, changed = true, true
					break
				}
			}
		}
	}
}

// check walks every piece of code holding a transaction.
func (c *txChecker) check() []string {
	var problems []string
	seen := map[token.Pos]bool{}
	report := func(n ast.Node, format string, args ...any) {
		if seen[n.Pos()] {
			return
		}
		seen[n.Pos()] = true
		problems = append(problems, fmt.Sprintf("%s: %s", c.fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	for _, f := range c.funcs {
		var scopes []ast.Node // bodies of code holding a transaction
		if hasTxParam(f.info, f.decl.Type) && f.decl.Name.Name != "WithTx" {
			scopes = append(scopes, f.decl.Body)
		}
		ast.Inspect(f.decl.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok && hasTxParam(f.info, lit.Type) {
				scopes = append(scopes, lit.Body)
			}
			return true
		})
		for _, body := range scopes {
			bound := boundLocals(f.info, body)
			ast.Inspect(body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					if v, ok := f.info.Uses[n].(*types.Var); ok && !v.IsField() &&
						types.TypeString(v.Type(), nil) == "*github.com/jackc/pgx/v5/pgxpool.Pool" {
						report(n, "the pool %s used while a transaction is open: use the transaction (tx) instead", n.Name)
					}
				case *ast.SelectorExpr:
					if isStoredHandle(f.info, n) {
						report(n, "%s used while a transaction is open: use the transaction (tx) instead", exprString(n))
					}
				case *ast.CallExpr:
					callee := c.staticCallee(f.info, n)
					if callee == nil || boundReceiver(f.info, n, bound) {
						return true
					}
					if g := c.funcs[callee]; g != nil && g.usesHandle {
						report(n, "%s reads through the pool while a transaction is open: pass tx or call it on a store bound with WithTx(tx)", exprString(n.Fun))
					}
				}
				return true
			})
		}
	}
	return problems
}

// staticCallee is the module function or concrete method a call goes to, if known.
func (c *txChecker) staticCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		id = fun.Sel
	default:
		return nil
	}
	obj, _ := info.Uses[id].(*types.Func)
	if obj == nil || c.funcs[obj] == nil {
		return nil
	}
	return obj
}

// boundReceiver reports whether the call is made on a store bound to a transaction: the
// receiver is X.WithTx(...) itself, a store constructed on the transaction (NewStore(tx)), or a
// local variable assigned from X.WithTx(...).
func boundReceiver(info *types.Info, call *ast.CallExpr, bound map[types.Object]bool) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if sel.Sel.Name == "WithTx" {
		return true
	}
	switch x := ast.Unparen(sel.X).(type) {
	case *ast.CallExpr:
		if s, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok && s.Sel.Name == "WithTx" {
			return true
		}
		for _, arg := range x.Args { // a store made on the transaction: NewStore(tx)
			if t := info.TypeOf(arg); t != nil && types.TypeString(t, nil) == "github.com/jackc/pgx/v5.Tx" {
				return true
			}
		}
	case *ast.Ident:
		return bound[info.Uses[x]]
	}
	return false
}

// boundLocals are the local variables in body assigned from X.WithTx(...).
func boundLocals(info *types.Info, body ast.Node) map[types.Object]bool {
	m := map[types.Object]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			call, ok := ast.Unparen(rhs).(*ast.CallExpr)
			if !ok {
				continue
			}
			if s, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && s.Sel.Name == "WithTx" {
				if id, ok := as.Lhs[i].(*ast.Ident); ok {
					if obj := info.ObjectOf(id); obj != nil {
						m[obj] = true
					}
				}
			}
		}
		return true
	})
	return m
}

// isStoredHandle: sel selects a struct field holding the pool or a database.DB.
func isStoredHandle(info *types.Info, sel *ast.SelectorExpr) bool {
	v, ok := info.Uses[sel.Sel].(*types.Var)
	return ok && v.IsField() && isHandleType(v.Type())
}

func isHandleType(t types.Type) bool {
	s := types.TypeString(t, nil)
	return s == "*github.com/jackc/pgx/v5/pgxpool.Pool" || s == "penggerak/internal/database.DB"
}

func hasTxParam(info *types.Info, ft *ast.FuncType) bool {
	if ft.Params == nil {
		return false
	}
	for _, p := range ft.Params.List {
		if t := info.TypeOf(p.Type); t != nil && types.TypeString(t, nil) == "github.com/jackc/pgx/v5.Tx" {
			return true
		}
	}
	return false
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.Ident:
		return e.Name
	case *ast.CallExpr:
		return exprString(e.Fun) + "(…)"
	default:
		return fmt.Sprintf("%T", e)
	}
}
