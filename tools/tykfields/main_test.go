package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A small Tyk-shaped tree with one case per rule of the package comment.
const apidefSrc = `package apidef

import (
	"encoding/json"
	"time"

	ext "example.com/other/pkg"
)

type APIDefinition struct {
	Tagged   string ` + "`json:\"tagged\"`" + `
	Untagged int
	Omitted  string ` + "`json:\"-\"`" + `
	Dash     string ` + "`json:\"-,\"`" + `
	hidden   string ` + "`json:\"hidden\"`" + `
	Opts     string ` + "`json:\",omitempty\"`" + `
	Bad      string ` + "`json:\"a\\\"b\"`" + `
	Inner
	*PtrInner
	A
	B
	Named    Inner              ` + "`json:\"named\"`" + `
	Shadow   string             ` + "`json:\"shadow\"`" + `
	Custom   Custom             ` + "`json:\"custom\"`" + `
	Decoder  Embeds             ` + "`json:\"decoder\"`" + `
	Foreign  ExtEmbed           ` + "`json:\"foreign\"`" + `
	Raw      json.RawMessage    ` + "`json:\"raw\"`" + `
	When     time.Time          ` + "`json:\"when\"`" + `
	Ext      ext.Thing          ` + "`json:\"ext\"`" + `
	Any      interface{}        ` + "`json:\"any\"`" + `
	Bytes    []byte             ` + "`json:\"bytes\"`" + `
	Map      map[string][]Inner ` + "`json:\"map\"`" + `
	Errs     ErrMap             ` + "`json:\"errs\"`" + `
	Alias    AliasInner         ` + "`json:\"alias\"`" + `
	Defined  Defined            ` + "`json:\"defined\"`" + `
	Enum     Enum               ` + "`json:\"enum\"`" + `
	Self     *APIDefinition     ` + "`json:\"self\"`" + `
	Anon     struct {
		X int ` + "`json:\"x\"`" + `
	} ` + "`json:\"anon\"`" + `
}

type Inner struct {
	InnerField string ` + "`json:\"inner_field\"`" + `
	Shadow     int    ` + "`json:\"shadow\"`" + `
}

type PtrInner struct {
	P string ` + "`json:\"p\"`" + `
}

type A struct {
	Dup string
	Win string ` + "`json:\"Win\"`" + `
}

type B struct {
	Dup string
	Win string
}

type Custom struct {
	X int ` + "`json:\"x\"`" + `
}

func (c *Custom) UnmarshalJSON(b []byte) error { return nil }

type Embeds struct {
	Custom
	Y int ` + "`json:\"y\"`" + `
}

type ExtEmbed struct {
	ext.Thing
	Z int
}

type ErrMap map[string][]Inner

type AliasInner = Inner

type Defined Inner

type Enum string
`

const userSrc = `package user

import "github.com/TykTechnologies/tyk/apidef"

type Policy struct {
	Limit  *apidef.PtrInner           ` + "`json:\"limit\"`" + `
	Rights map[string]AccessDefinition ` + "`json:\"access_rights\"`" + `
}

type AccessDefinition struct {
	Versions []string ` + "`json:\"versions\"`" + `
}
`

func writeTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range map[string]string{
		"apidef/a.go":      apidefSrc,
		"apidef/a_test.go": "package apidef\n\ntype APIDefinition struct{ Broken int }\n",
		"user/p.go":        userSrc,
	} {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestGenerateFollowsEncodingJSONRules(t *testing.T) {
	out, err := generate(writeTree(t), "c0ffee", "v0.0.0-test")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Source   source                    `json:"source"`
		Roots    map[string]string         `json:"roots"`
		External []string                  `json:"external_types"`
		Structs  map[string]map[string]any `json:"structs"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	ref := func(name string) any { return map[string]any{"ref": name} }
	want := map[string]any{
		"tagged":      nil,
		"Untagged":    nil, // no tag: the Go name
		"-":           nil, // `json:"-,"` is the key "-"
		"Opts":        nil, // a tag with options only: the Go name
		"Bad":         nil, // an invalid tag name: the Go name
		"inner_field": nil, // Inner flattened
		"p":           nil, // *PtrInner flattened
		"Win":         nil, // A's tagged Win beats B's untagged one (Dup: a tie, dropped)
		"named":       ref("apidef.Inner"),
		"shadow":      nil, // depth 0 beats Inner.Shadow
		"custom":      nil, // its own UnmarshalJSON
		"decoder":     nil, // UnmarshalJSON promoted from an embedded Custom
		"foreign":     nil, // embeds a type of another package
		"raw":         nil,
		"when":        nil,
		"ext":         nil,
		"any":         nil,
		"bytes":       nil, // []byte is a base64 string
		"map":         map[string]any{"map": map[string]any{"list": ref("apidef.Inner")}},
		"errs":        map[string]any{"map": map[string]any{"list": ref("apidef.Inner")}},
		"alias":       ref("apidef.Inner"),
		"defined":     ref("apidef.Defined"),
		"enum":        nil,
		"self":        ref("apidef.APIDefinition"),
		"anon":        map[string]any{"struct": map[string]any{"x": nil}},
	}
	got := doc.Structs["apidef.APIDefinition"]
	for key := range merge(got, want) {
		g, inGot := got[key]
		w, inWant := want[key]
		if inGot != inWant || !reflect.DeepEqual(g, w) {
			t.Errorf("apidef.APIDefinition[%q]: got %v (present %v), want %v (present %v)", key, g, inGot, w, inWant)
		}
	}
	if got, want := doc.Structs["apidef.Defined"], doc.Structs["apidef.Inner"]; !reflect.DeepEqual(got, want) {
		t.Errorf("a defined type has its underlying struct's fields: %v != %v", got, want)
	}
	wantPolicy := map[string]any{
		"limit":         ref("apidef.PtrInner"),
		"access_rights": map[string]any{"map": ref("user.AccessDefinition")},
	}
	if got := doc.Structs["user.Policy"]; !reflect.DeepEqual(got, wantPolicy) {
		t.Errorf("user.Policy: %v", got)
	}
	for _, opaque := range []string{"apidef.Custom", "apidef.Embeds", "apidef.ExtEmbed"} {
		if _, ok := doc.Structs[opaque]; ok {
			t.Errorf("%s decodes itself (or cannot be read): it must not be listed", opaque)
		}
	}
	if !reflect.DeepEqual(doc.Roots, map[string]string{"API_DEFINITION": "apidef.APIDefinition", "POLICY": "user.Policy"}) {
		t.Errorf("roots: %v", doc.Roots)
	}
	if _, ok := doc.Source.Files["apidef/a_test.go"]; ok || len(doc.Source.Files) != 2 {
		t.Errorf("files read: %v (test files are not part of the package)", doc.Source.Files)
	}
	if doc.Source.Commit != "c0ffee" || doc.Source.Version != "v0.0.0-test" || doc.Source.Module != modulePath {
		t.Errorf("source: %+v", doc.Source)
	}
	wantExternal := []string{"encoding/json.RawMessage", "example.com/other/pkg.Thing", "example.com/other/pkg.Thing (embedded)", "time.Time"}
	if !reflect.DeepEqual(doc.External, wantExternal) {
		t.Errorf("external types: %v", doc.External)
	}
}

func TestGenerateRefusesATreeWithoutTheRoots(t *testing.T) {
	root := writeTree(t)
	if err := os.WriteFile(filepath.Join(root, "user/p.go"), []byte("package user\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(root, "c", "v"); err == nil {
		t.Fatal("a tree without user.Policy must be refused")
	}
}

func merge(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
