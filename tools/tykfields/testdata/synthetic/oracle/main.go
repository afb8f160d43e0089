// Command oracle checks a schema that tools/tykfields generated for this synthetic module
// against encoding/json itself: it decodes probe documents into the compiled roots with
// Decoder.DisallowUnknownFields and compares which keys the decoder knows with the
// schema's keys. tools/tykfields/main_test.go (TestSchemaAgreesWithEncodingJSON) runs it.
//
// At every struct node the schema reaches from a root ("ref" or "struct"; the values of a
// named struct are followed where it is first reached), and for every candidate key (each
// Go field name and json tag name of every type reachable from the roots, plus the
// schema's own keys), the document
// {..path..: {"<candidate>": null}} must decode without an "unknown field" error exactly
// when the schema lists the key (encoding/json matches keys case-insensitively, so the
// schema's keys are compared likewise). A null node that the decoder does check key by key
// is printed as "conservative PATH" (the generator cannot read types of other packages);
// any disagreement is printed as "mismatch PATH: ..." and the exit status is 1.
//
// Usage: go run ./oracle -schema FILE
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/TykTechnologies/tyk/apidef"
	"github.com/TykTechnologies/tyk/user"
)

// roots are the compiled root types by their name in the schema.
var roots = map[string]reflect.Type{
	"apidef.APIDefinition": reflect.TypeOf(apidef.APIDefinition{}),
	"user.Policy":          reflect.TypeOf(user.Policy{}),
}

// probeKey names no field of any type here.
const probeKey = "__probe__"

// step is one step of a JSON path: a key of an object, an item of a list, a map value.
type step struct {
	kind byte // 'k', 'l' or 'm'
	key  string
}

type oracle struct {
	root       reflect.Type
	structs    map[string]map[string]any
	candidates []string
	visited    map[string]bool
	failed     bool
}

func main() {
	schemaFile := flag.String("schema", "", "the generated schema (JSON)")
	flag.Parse()
	data, err := os.ReadFile(*schemaFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(2)
	}
	var doc struct {
		Roots   map[string]string         `json:"roots"`
		Structs map[string]map[string]any `json:"structs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(2)
	}
	candidates := map[string]bool{}
	for _, t := range roots {
		collectNames(t, candidates, map[reflect.Type]bool{})
	}
	for _, fields := range doc.Structs {
		for key := range fields {
			candidates[key] = true
		}
	}
	names := make([]string, 0, len(candidates))
	for name := range candidates {
		names = append(names, name)
	}
	sort.Strings(names)
	visited := map[string]bool{}
	failed := false
	rootNames := make([]string, 0, len(doc.Roots))
	for name := range doc.Roots {
		rootNames = append(rootNames, name)
	}
	sort.Strings(rootNames)
	for _, name := range rootNames {
		ref := doc.Roots[name]
		t, ok := roots[ref]
		if !ok {
			fmt.Printf("mismatch %s: no compiled root %s\n", name, ref)
			failed = true
			continue
		}
		o := &oracle{root: t, structs: doc.Structs, candidates: names, visited: visited}
		o.walk(map[string]any{"ref": ref}, nil, ref)
		failed = failed || o.failed
	}
	if failed {
		os.Exit(1)
	}
}

// collectNames adds every Go field name and json tag name of t and the types it holds.
func collectNames(t reflect.Type, names map[string]bool, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		collectNames(t.Elem(), names, seen)
	case reflect.Map:
		collectNames(t.Elem(), names, seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			names[f.Name] = true
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
				names[tag] = true
			}
			collectNames(f.Type, names, seen)
		}
	}
}

// walk checks the schema node found at path.
func (o *oracle) walk(node any, path []step, label string) {
	switch n := node.(type) {
	case nil:
		if unknownField(o.decode(path, map[string]any{probeKey: nil})) {
			fmt.Printf("conservative %s\n", label)
		}
	case map[string]any:
		switch {
		case n["ref"] != nil:
			ref := n["ref"].(string)
			o.checkKeys(o.structs[ref], path, label)
			if !o.visited[ref] { // its values are checked once, where first reached
				o.visited[ref] = true
				o.walkFields(o.structs[ref], path, label)
			}
		case n["struct"] != nil:
			o.checkKeys(n["struct"].(map[string]any), path, label)
			o.walkFields(n["struct"].(map[string]any), path, label)
		case len(n) == 1 && hasKey(n, "list"):
			o.walk(n["list"], append(clone(path), step{kind: 'l'}), label+"[]")
		case len(n) == 1 && hasKey(n, "map"):
			o.walk(n["map"], append(clone(path), step{kind: 'm'}), label+"{}")
		default:
			fmt.Printf("mismatch %s: unknown schema node %v\n", label, n)
			o.failed = true
		}
	}
}

// checkKeys compares the keys the decoder knows at path with fields.
func (o *oracle) checkKeys(fields map[string]any, path []step, label string) {
	if !unknownField(o.decode(path, map[string]any{probeKey: nil})) {
		fmt.Printf("mismatch %s: the schema lists keys, encoding/json checks none here\n", label)
		o.failed = true
		return
	}
	for _, c := range o.candidates {
		known := !unknownField(o.decode(path, map[string]any{c: nil}))
		listed := false
		for key := range fields {
			if strings.EqualFold(key, c) {
				listed = true
			}
		}
		if known != listed {
			fmt.Printf("mismatch %s: key %q known to encoding/json: %v, in the schema: %v\n", label, c, known, listed)
			o.failed = true
		}
	}
}

// walkFields checks the value of each of fields, under path.
func (o *oracle) walkFields(fields map[string]any, path []step, label string) {
	keys := make([]string, 0, len(fields))
	for key := range fields {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		o.walk(fields[key], append(clone(path), step{kind: 'k', key: key}), label+"."+key)
	}
}

// decode decodes the document with leaf at path into a new root value.
func (o *oracle) decode(path []step, leaf any) error {
	value := leaf
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i].kind {
		case 'k':
			value = map[string]any{path[i].key: value}
		case 'l':
			value = []any{value}
		case 'm':
			value = map[string]any{"m": value}
		}
	}
	text, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(text)))
	dec.DisallowUnknownFields()
	return dec.Decode(reflect.New(o.root).Interface())
}

func unknownField(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "json: unknown field ")
}

func hasKey(m map[string]any, key string) bool {
	_, ok := m[key]
	return ok
}

func clone(path []step) []step {
	return append([]step(nil), path...)
}
