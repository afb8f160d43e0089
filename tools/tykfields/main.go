// Command tykfields writes the JSON field schema of Tyk's classic API definition
// (apidef.APIDefinition) and security policy (user.Policy), read from Tyk's Go source.
//
// It parses (go/parser, go/ast; nothing is compiled or imported) every non-test .go file
// of the packages apidef/ and user/ of a TykTechnologies/tyk source tree and follows
// the json struct tags from the two roots the way encoding/json's decoder does
// (encoding/json/encode.go typeFields and dominantField):
//
//   - a field's key is its json tag name, or its Go name when the tag has none;
//     `json:"-"` and unexported fields are left out;
//   - an embedded struct (or pointer to one) without a tag name is flattened into its
//     parent; among promoted fields of one name the shallowest wins, a tagged one
//     beats an untagged one at the same depth, and a tie drops the name;
//   - a type with its own UnmarshalJSON or UnmarshalText method (declared, or promoted
//     from an embedded field, with a tag name or without), interface{}, []byte, and any
//     type of another package (another module, the standard library, Tyk's other
//     packages) is null: its value is not checked further; so is a struct that embeds a
//     type of another package (its promoted keys and methods cannot be read here);
//   - an alias is the type it names (methods included); a defined type `type D T` has
//     T's fields but not T's methods;
//   - map[K]V is {"map": V}, []T and [N]T are {"list": T}, a named struct is
//     {"ref": "pkg.Name"} (its keys under "structs"), an anonymous struct is
//     {"struct": {...}}, everything else (strings, numbers, booleans, funcs, generic
//     instantiations) is null.
//
// A null is conservative: it never makes a key unknown that encoding/json would accept.
// main_test.go has one case per rule, on the synthetic module testdata/synthetic (our own
// code in Tyk's shapes), and checks the schema against encoding/json itself there.
//
// Usage: go run . -src DIR -commit SHA -version PSEUDO-VERSION > tyk_fields.json
// (harness/tyk/gateway/fields_gen.py runs it; its docstring says where DIR comes from:
// a checkout of Tyk, or the Go module cache; none of Tyk's code is kept in this tree).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// modulePath is the import path of Tyk's module; its packages below are the ones read.
const modulePath = "github.com/TykTechnologies/tyk"

// packages are the Tyk packages whose types are followed (directory = package name).
var packages = []string{"apidef", "user"}

// roots are the schema's entry points: the constant name harness code uses, and the Go type.
var roots = []struct{ Name, Pkg, Type string }{
	{"API_DEFINITION", "apidef", "APIDefinition"},
	{"POLICY", "user", "Policy"},
}

// document is the output; its keys are written in this order (maps sorted by key).
type document struct {
	GeneratedBy string                    `json:"generated_by"`
	Source      source                    `json:"source"`
	Roots       map[string]string         `json:"roots"`
	External    []string                  `json:"external_types"`
	Structs     map[string]map[string]any `json:"structs"`
}

// source says which Tyk tree the document was made from; files maps each file read
// (relative to the module root) to the sha256 of its bytes.
type source struct {
	Module  string            `json:"module"`
	Commit  string            `json:"commit"`
	Version string            `json:"version"`
	Files   map[string]string `json:"files"`
}

// typeDecl is one package-level type declaration and the file it is declared in.
type typeDecl struct {
	pkg  string
	spec *ast.TypeSpec
	file *ast.File
}

// generator holds the parsed packages and the schema built so far.
type generator struct {
	types      map[string]*typeDecl      // "pkg.Name" -> declaration
	unmarshals map[string]bool           // "pkg.Name" -> declares UnmarshalJSON/UnmarshalText
	structs    map[string]map[string]any // "pkg.Name" -> JSON key -> schema
	external   map[string]bool           // "import/path.Name" of every type left as null
	files      map[string]string         // relative path -> sha256 of its bytes
}

// jsonField is one candidate JSON key of a struct (encoding/json's field).
type jsonField struct {
	name   string
	depth  int
	tagged bool
	schema any
}

func main() {
	src := flag.String("src", "", "root of a TykTechnologies/tyk source tree (the module's root)")
	commit := flag.String("commit", "", "the commit the tree is at (written into the output)")
	version := flag.String("version", "", "the module (pseudo-)version of that commit (written into the output)")
	flag.Parse()
	if *src == "" || *commit == "" || *version == "" {
		fmt.Fprintln(os.Stderr, "usage: tykfields -src DIR -commit SHA -version VERSION")
		os.Exit(2)
	}
	out, err := generate(*src, *commit, *version)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tykfields:", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

func generate(src, commit, version string) ([]byte, error) {
	g := &generator{
		types:      map[string]*typeDecl{},
		unmarshals: map[string]bool{},
		structs:    map[string]map[string]any{},
		external:   map[string]bool{},
		files:      map[string]string{},
	}
	for _, pkg := range packages {
		if err := g.parsePackage(src, pkg); err != nil {
			return nil, err
		}
	}
	rootRefs := map[string]string{}
	for _, r := range roots {
		key := r.Pkg + "." + r.Type
		if _, ok := g.types[key]; !ok {
			return nil, fmt.Errorf("%s: type %s not found", src, key)
		}
		if s, ok := g.named(r.Pkg, r.Type).(map[string]any); !ok || s["ref"] != key {
			return nil, fmt.Errorf("%s is not a plain struct (it has its own JSON decoding)", key)
		}
		rootRefs[r.Name] = key
	}
	external := make([]string, 0, len(g.external))
	for name := range g.external {
		external = append(external, name)
	}
	sort.Strings(external)
	doc := document{
		GeneratedBy: "tools/tykfields (python -m harness.tyk.gateway.fields_gen --write); do not edit by hand",
		Source:      source{Module: modulePath, Commit: commit, Version: version, Files: g.files},
		Roots:       rootRefs,
		External:    external,
		Structs:     g.structs,
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// parsePackage reads every non-test .go file of src/pkg (not its subdirectories).
func (g *generator) parsePackage(src, pkg string) error {
	dir := filepath.Join(src, pkg)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), data, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name != pkg {
			return fmt.Errorf("%s/%s: package %s, want %s", pkg, name, f.Name.Name, pkg)
		}
		sum := sha256.Sum256(data)
		g.files[pkg+"/"+name] = "sha256:" + hex.EncodeToString(sum[:])
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					g.types[pkg+"."+ts.Name.Name] = &typeDecl{pkg: pkg, spec: ts, file: f}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				if d.Name.Name == "UnmarshalJSON" || d.Name.Name == "UnmarshalText" {
					if recv := receiverName(d.Recv.List[0].Type); recv != "" {
						g.unmarshals[pkg+"."+recv] = true
					}
				}
			}
		}
	}
	return nil
}

// receiverName is T for a receiver of type T, *T, T[P] or *T[P].
func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// builtinScalars are Go's predeclared types that decode from a JSON scalar (or are
// not decodable at all): their values are not checked further.
var builtinScalars = map[string]bool{
	"bool": true, "string": true, "byte": true, "rune": true, "error": true, "any": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true,
}

// schema is the schema of a value of type expression e written in pkg's file f.
func (g *generator) schema(pkg string, f *ast.File, e ast.Expr) any {
	switch t := e.(type) {
	case *ast.ParenExpr:
		return g.schema(pkg, f, t.X)
	case *ast.StarExpr:
		return g.schema(pkg, f, t.X)
	case *ast.Ident:
		if builtinScalars[t.Name] {
			return nil
		}
		if _, ok := g.types[pkg+"."+t.Name]; ok {
			return g.named(pkg, t.Name)
		}
		g.external[pkg+"."+t.Name+" (undeclared)"] = true
		return nil
	case *ast.SelectorExpr:
		if other, ok := g.tykPackage(f, t); ok {
			return g.named(other, t.Sel.Name)
		}
		g.external[importPath(f, t)+"."+t.Sel.Name] = true
		return nil
	case *ast.ArrayType:
		if id, ok := t.Elt.(*ast.Ident); ok && t.Len == nil && (id.Name == "byte" || id.Name == "uint8") {
			return nil // []byte is a base64 string to encoding/json ([N]byte is a list of numbers)
		}
		return map[string]any{"list": g.schema(pkg, f, t.Elt)}
	case *ast.MapType:
		return map[string]any{"map": g.schema(pkg, f, t.Value)}
	case *ast.StructType:
		fields, opaque := g.structFields(pkg, f, t)
		if opaque {
			return nil
		}
		return map[string]any{"struct": fields}
	}
	// interface{}, func, chan, generic instantiations: not decoded field by field.
	return nil
}

// tykPackage is the followed package (apidef, user) a selector's qualifier imports, if any.
func (g *generator) tykPackage(f *ast.File, sel *ast.SelectorExpr) (string, bool) {
	path := importPath(f, sel)
	for _, p := range packages {
		if path == modulePath+"/"+p {
			return p, true
		}
	}
	return "", false
}

// importPath is the import path of the package a selector's qualifier names in f.
func importPath(f *ast.File, sel *ast.SelectorExpr) string {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "?"
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		local := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local == id.Name {
			return path
		}
	}
	return id.Name
}

// named is the schema of the declared type pkg.name: a ref for a struct (its fields
// added to g.structs once), null for a type with its own JSON decoding, else the
// schema of its underlying type.
func (g *generator) named(pkg, name string) any {
	key := pkg + "." + name
	decl := g.types[key]
	if decl.spec.Assign.IsValid() { // alias: the same type, methods included
		return g.schema(pkg, decl.file, decl.spec.Type)
	}
	if g.unmarshals[key] {
		return nil
	}
	st, spkg, sfile := g.underlyingStruct(pkg, decl)
	if st == nil {
		return g.schema(pkg, decl.file, decl.spec.Type)
	}
	if _, done := g.structs[key]; !done {
		g.structs[key] = map[string]any{} // placeholder: breaks cycles
		fields, opaque := g.structFields(spkg, sfile, st)
		if opaque {
			delete(g.structs, key)
			return nil
		}
		g.structs[key] = fields
	}
	return map[string]any{"ref": key}
}

// underlyingStruct follows `type A B` definitions within the followed packages to a
// struct type (a defined type has its underlying type's fields, not its methods).
func (g *generator) underlyingStruct(pkg string, decl *typeDecl) (*ast.StructType, string, *ast.File) {
	for range 16 {
		switch t := decl.spec.Type.(type) {
		case *ast.StructType:
			return t, pkg, decl.file
		case *ast.Ident:
			next, ok := g.types[pkg+"."+t.Name]
			if !ok {
				return nil, "", nil
			}
			decl = next
		case *ast.SelectorExpr:
			other, ok := g.tykPackage(decl.file, t)
			if !ok {
				return nil, "", nil
			}
			next, ok := g.types[other+"."+t.Sel.Name]
			if !ok {
				return nil, "", nil
			}
			pkg, decl = other, next
		default:
			return nil, "", nil
		}
	}
	return nil, "", nil
}

// structFields is the JSON keys of a struct type, embedded structs flattened as
// encoding/json's typeFields does (breadth first, each embedded type expanded once, at
// its shallowest depth; a type embedded twice at one depth yields its fields twice, so
// they cancel); opaque is true when the struct gets an UnmarshalJSON or UnmarshalText
// promoted from an embedded field, or embeds a type of another package whose fields and
// methods cannot be read here.
func (g *generator) structFields(pkg string, f *ast.File, st *ast.StructType) (map[string]any, bool) {
	type level struct {
		st   *ast.StructType
		pkg  string
		file *ast.File
		key  string
	}
	var all []jsonField
	current := []level{{st, pkg, f, fmt.Sprintf("%p", st)}}
	count := map[string]int{}
	visited := map[string]bool{}
	for depth := 0; len(current) > 0; depth++ {
		var next []level
		nextCount := map[string]int{}
		for _, lv := range current {
			if visited[lv.key] {
				continue
			}
			visited[lv.key] = true
			for _, fl := range lv.st.Fields.List {
				name, skip := jsonName(fl)
				if skip {
					continue
				}
				if len(fl.Names) > 0 {
					for _, id := range fl.Names {
						if id.IsExported() {
							field := jsonField{name: orDefault(name, id.Name), depth: depth, tagged: name != "", schema: g.schema(lv.pkg, lv.file, fl.Type)}
							all = appendTimes(all, field, count[lv.key])
						}
					}
					continue
				}
				// An embedded field.
				typeName, exported := embeddedName(fl.Type)
				epkg, edecl := g.embeddedDecl(lv.pkg, lv.file, fl.Type)
				var est *ast.StructType
				var spkg string
				var sfile *ast.File
				if edecl != nil {
					est, spkg, sfile = g.underlyingStruct(epkg, edecl)
				}
				if edecl == nil && selectorOf(fl.Type) != nil {
					// a type of another package embedded here (with a tag name or without):
					// whether it promotes an UnmarshalJSON, and its keys, are unknown.
					g.external[importPath(lv.file, selectorOf(fl.Type))+"."+typeName+" (embedded)"] = true
					return nil, true
				}
				if edecl != nil && g.decodesItself(epkg, typeName) {
					// the method is promoted (a tag name does not stop that): the whole
					// struct decodes itself
					return nil, true
				}
				if !exported && est == nil {
					continue
				}
				if name == "" && est != nil {
					key := epkg + "." + typeName
					nextCount[key]++
					if nextCount[key] == 1 {
						next = append(next, level{est, spkg, sfile, key})
					}
					continue
				}
				field := jsonField{name: orDefault(name, typeName), depth: depth, tagged: name != "", schema: g.schema(lv.pkg, lv.file, fl.Type)}
				all = appendTimes(all, field, count[lv.key])
			}
		}
		current, count = next, nextCount
	}
	// encoding/json typeFields: sort by name, then depth, then tagged first; keep the
	// dominant field of each name (dominantField): a tie in depth and tagging drops it.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		return a.tagged && !b.tagged
	})
	out := map[string]any{}
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		if len(group) == 1 || group[0].depth != group[1].depth || group[0].tagged != group[1].tagged {
			out[group[0].name] = group[0].schema
		}
		i = j
	}
	return out, false
}

// appendTimes appends f once, or twice when its struct is embedded more than once at
// one depth (encoding/json typeFields: "annihilate" the duplicates).
func appendTimes(all []jsonField, f jsonField, count int) []jsonField {
	all = append(all, f)
	if count > 1 {
		all = append(all, f)
	}
	return all
}

// jsonName is a field's json tag name ("" for none or an invalid one) and whether the
// field is left out (`json:"-"`).
func jsonName(fl *ast.Field) (string, bool) {
	tag := ""
	if fl.Tag != nil {
		raw, _ := strconv.Unquote(fl.Tag.Value)
		tag = reflect.StructTag(raw).Get("json")
	}
	if tag == "-" {
		return "", true
	}
	name, _, _ := strings.Cut(tag, ",")
	if !validTag(name) {
		name = ""
	}
	return name, false
}

// decodesItself says whether the declared type pkg.name has an UnmarshalJSON or
// UnmarshalText method, following aliases: an alias has the methods of the type it names,
// and an alias of a type of another package may have them (unknown here, so yes).
func (g *generator) decodesItself(pkg, name string) bool {
	for range 16 {
		key := pkg + "." + name
		if g.unmarshals[key] {
			return true
		}
		decl, ok := g.types[key]
		if !ok || !decl.spec.Assign.IsValid() {
			return false
		}
		switch t := genericBase(decl.spec.Type).(type) {
		case *ast.Ident:
			if _, ok := g.types[pkg+"."+t.Name]; !ok {
				return false // a predeclared type
			}
			name = t.Name
		case *ast.SelectorExpr:
			other, ok := g.tykPackage(decl.file, t)
			if !ok {
				return true
			}
			pkg, name = other, t.Sel.Name
		default:
			return false
		}
	}
	return false
}

// genericBase is the type name of a generic instantiation (T of T[A] or T[A, B]), else e.
func genericBase(e ast.Expr) ast.Expr {
	switch t := e.(type) {
	case *ast.IndexExpr:
		return t.X
	case *ast.IndexListExpr:
		return t.X
	}
	return e
}

// embeddedName is the type name of an embedded field (T, *T, pkg.T, *pkg.T, and those
// instantiated: T[A]) and whether it is exported.
func embeddedName(e ast.Expr) (string, bool) {
	switch t := genericBase(e).(type) {
	case *ast.StarExpr:
		return embeddedName(t.X)
	case *ast.Ident:
		return t.Name, t.IsExported()
	case *ast.SelectorExpr:
		return t.Sel.Name, t.Sel.IsExported()
	}
	return "", false
}

func selectorOf(e ast.Expr) *ast.SelectorExpr {
	switch t := genericBase(e).(type) {
	case *ast.StarExpr:
		return selectorOf(t.X)
	case *ast.SelectorExpr:
		return t
	}
	return nil
}

// embeddedDecl is the declaration of an embedded field's type when it is in a followed
// package (nil for a predeclared type or one of another package).
func (g *generator) embeddedDecl(pkg string, f *ast.File, e ast.Expr) (string, *typeDecl) {
	switch t := genericBase(e).(type) {
	case *ast.StarExpr:
		return g.embeddedDecl(pkg, f, t.X)
	case *ast.Ident:
		if d, ok := g.types[pkg+"."+t.Name]; ok {
			return pkg, d
		}
	case *ast.SelectorExpr:
		if other, ok := g.tykPackage(f, t); ok {
			if d, ok := g.types[other+"."+t.Sel.Name]; ok {
				return other, d
			}
		}
	}
	return "", nil
}

// validTag is encoding/json's isValidTag (encoding/json/encode.go).
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
			// Backslash and quote chars are reserved, but otherwise any punctuation chars are allowed in a tag name.
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

func orDefault(s, d string) string {
	if s != "" {
		return s
	}
	return d
}
