package main

// The generator's tests read only testdata/synthetic: a module we wrote in the shapes of
// Tyk's apidef and user packages (none of Tyk's code). TestRules has one case per rule of
// the package comment (encoding/json's typeFields and dominantField, and its decoder's
// Unmarshaler/TextUnmarshaler checks); TestSchemaAgreesWithEncodingJSON builds the
// synthetic module and checks the whole schema against encoding/json itself.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// synthetic is the module the tests read (apidef/ and user/; oracle/ and external/ are
// there only for TestSchemaAgreesWithEncodingJSON).
const synthetic = "testdata/synthetic"

// schemaDoc is the generated document, decoded.
type schemaDoc struct {
	Source   source                    `json:"source"`
	Roots    map[string]string         `json:"roots"`
	External []string                  `json:"external_types"`
	Structs  map[string]map[string]any `json:"structs"`
}

func generateSynthetic(t *testing.T) ([]byte, schemaDoc) {
	t.Helper()
	out, err := generate(synthetic, "synthetic", "v0.0.0-synthetic")
	if err != nil {
		t.Fatal(err)
	}
	var doc schemaDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return out, doc
}

func ref(name string) any            { return map[string]any{"ref": name} }
func list(item any) any              { return map[string]any{"list": item} }
func mapOf(value any) any            { return map[string]any{"map": value} }
func anon(fields map[string]any) any { return map[string]any{"struct": fields} }

// absent marks a key that must not be in the schema.
var absent = &struct{ name string }{"absent"}

const api, policy = "apidef.APIDefinition", "user.Policy"

// rules: one case per rule; each names the struct, the JSON key and the expected schema
// (nil is JSON null: not checked further).
var rules = []struct {
	rule  string
	strct string
	key   string
	want  any
}{
	{"a field's key is its json tag name", api, "mode", nil},
	{"a tagged field's Go name is not a key", api, "Mode", absent},
	{"an untagged field's key is its Go name", api, "Untagged", nil},
	{"a tag with options only keeps the Go name", api, "OptionsOnly", nil},
	{"an invalid tag name keeps the Go name", api, "BadTag", nil},
	{"an invalid tag name is not a key", api, "bad\"tag", absent},
	{"a tag name may hold punctuation other than quotes, backslash and comma", api, "x-tyk.punct$", nil},
	{`json:"-" leaves the field out`, api, "Skipped", absent},
	{`json:"-," is the key "-"`, api, "-", nil},
	{"an unexported field is left out, tagged or not", api, "internal", absent},
	{"each name of a multi-name declaration is a key", api, "Right", nil},
	{"one name tagged twice at one depth is a tie: left out", api, "twin", absent},
	{"an embedded struct is flattened", api, "listen_path", nil},
	{"a flattened struct's type name is not a key", api, "ProxyConfig", absent},
	{"an embedded pointer to a struct is flattened", api, "allowed_origins", list(nil)},
	{"an embedded struct with a tag name is one key", api, "auth", ref("apidef.AuthConfig")},
	{"an embedded struct with a tag name is not flattened", api, "auth_header_name", absent},
	{"an embedded exported non-struct type is keyed by its type name", api, "Protocol", nil},
	{"an embedded unexported non-struct type is left out", api, "visibility", absent},
	{"an embedded unexported struct is flattened", api, "quota_max", nil},
	{"the shallowest field of a name wins", api, "api_id", nil},
	{"at one depth a tagged field beats an untagged one", api, "Version", list(nil)},
	{"at one depth two untagged fields are a tie: left out", api, "Dup", absent},
	{"a struct embedded twice at one depth cancels its own fields", api, "shared", absent},
	{"the fields beside it stay", api, "only_a", nil},
	{"an embedded defined type of a struct is flattened", api, "timeout", nil},
	{"a struct embedding a pointer to itself is expanded once", "apidef.Node", "value", nil},
	{"a type with its own UnmarshalJSON is null", api, "expiry", nil},
	{"a type with its own UnmarshalText is null", api, "pattern", nil},
	{"an UnmarshalJSON promoted from an embedded field makes the struct null", api, "wrapped", nil},
	{"... from an embedded field with a tag name", api, "wrapped_tagged", nil},
	{"... from depth 2", api, "deep_wrapped", nil},
	{"... through an embedded alias", api, "alias_wrapped", nil},
	{"... through an embedded generic instantiation", api, "generic_wrapped", nil},
	{"an alias keeps the methods of the type it names", api, "aliased", nil},
	{"a defined type does not keep its underlying type's methods", api, "copied", ref("apidef.PlainDuration")},
	{"a defined type has its underlying struct's fields", "apidef.PlainDuration", "seconds", nil},
	{"a generic instantiation is null", api, "generic", nil},
	{"a type of another module is null", api, "id", nil},
	{"a type of another Tyk package is null", api, "oas", nil},
	{"a type of the standard library is null", api, "created", nil},
	{"a struct embedding a type of another module is null", api, "graphql", nil},
	{"... embedding it under a tag name too", api, "meta_holder", nil},
	{"... embedding it through an alias", api, "aliased_schema", nil},
	{"interface{} is null", api, "anything", nil},
	{"a func is null", api, "hook", nil},
	{"[]byte is null (a base64 string)", api, "certificate", nil},
	{"[N]byte is a list (of numbers)", api, "fingerprint", list(nil)},
	{"a slice is a list", api, "tags", list(nil)},
	{"a slice of slices is a list of lists", api, "matrix", list(list(nil))},
	{"a slice of structs is a list of refs", api, "jwks", list(ref("apidef.JWK"))},
	{"an array of pointers to structs is a list of refs", api, "hosts", list(ref("apidef.JWK"))},
	{"a map is a map", api, "config_data", mapOf(nil)},
	{"a map of structs is a map of refs", api, "auth_configs", mapOf(ref("apidef.AuthConfig"))},
	{"a named map type is its map", api, "error_overrides", mapOf(list(ref("apidef.ErrorOverride")))},
	{"a pointer to a struct is a ref", api, "proxy", ref("apidef.ProxyConfig")},
	{"a struct may refer to itself", api, "self", ref(api)},
	{"an anonymous struct is inline", api, "basic_auth", anon(map[string]any{"cache_ttl": nil, "decoded": nil})},
	{"a struct of the other package is followed through its import name", policy, "smoothing", ref("apidef.RateLimitSmoothing")},
	{"an embedded struct of the other package is flattened", policy, "rate", nil},
	{"a defined type of the other package's struct is a struct of this one", policy, "limit", ref("user.APILimit")},
	{"... with that struct's fields", "user.APILimit", "per", nil},
	{"a map of this package's structs", policy, "access_rights", mapOf(ref("user.AccessDefinition"))},
	{"a struct in another file of the package", "user.AccessDefinition", "allowed_urls", list(ref("user.AccessSpec"))},
	{"a _test.go file is not read (it gives JWK an UnmarshalJSON)", "apidef.JWK", "kid", nil},
}

func TestRules(t *testing.T) {
	_, doc := generateSynthetic(t)
	for _, c := range rules {
		t.Run(c.rule, func(t *testing.T) {
			fields, ok := doc.Structs[c.strct]
			if !ok {
				t.Fatalf("struct %s is not in the schema", c.strct)
			}
			got, present := fields[c.key]
			switch {
			case c.want == absent && present:
				t.Errorf("%s[%q] = %v, want no such key", c.strct, c.key, got)
			case c.want != absent && !present:
				t.Errorf("%s[%q] is missing, want %v", c.strct, c.key, c.want)
			case c.want != absent && !reflect.DeepEqual(got, c.want):
				t.Errorf("%s[%q] = %v, want %v", c.strct, c.key, got, c.want)
			}
		})
	}
}

// The struct of every type that decodes itself, or cannot be read, is not listed.
func TestStructsThatAreNullAreNotListed(t *testing.T) {
	_, doc := generateSynthetic(t)
	for _, name := range []string{"apidef.Duration", "apidef.Regexp", "apidef.WrappedDuration", "apidef.WrappedTagged",
		"apidef.DeepWrapped", "apidef.AliasWrapped", "apidef.GenericWrapped", "apidef.GraphQLConfig", "apidef.MetaHolder",
		"apidef.AliasedSchemaConfig", "apidef.Optional"} {
		if _, ok := doc.Structs[name]; ok {
			t.Errorf("%s is listed; it decodes itself or cannot be read", name)
		}
	}
}

// Each struct the schema lists has exactly the keys the rules give it (a key the rules
// do not expect is an error too).
func TestStructKeys(t *testing.T) {
	_, doc := generateSynthetic(t)
	want := map[string][]string{
		"apidef.AuthConfig":         {"auth_header_name", "use_param"},
		"apidef.ErrorOverride":      {"code"},
		"apidef.JWK":                {"kid", "url"},
		"apidef.Node":               {"value"},
		"apidef.PlainDuration":      {"seconds"},
		"apidef.ProxyConfig":        {"api_id", "listen_path", "target_url"},
		"apidef.RateLimitSmoothing": {"enabled", "threshold"},
		"user.APILimit":             {"per", "rate"},
		"user.AccessDefinition":     {"allowed_urls", "api_name", "limit", "versions"},
		"user.AccessSpec":           {"methods", "url"},
		"user.Policy":               {"_id", "access_rights", "limit", "meta_data", "name", "per", "rate", "smoothing"},
		"apidef.APIDefinition": {"-", "BadTag", "Left", "OptionsOnly", "Protocol", "Right", "Untagged", "Version",
			"alias_wrapped", "aliased", "aliased_schema", "allowed_origins", "anything", "api_id", "auth", "auth_configs", "basic_auth", "certificate",
			"config_data", "copied", "created", "deep_wrapped", "error_overrides", "expiry", "fingerprint", "generic",
			"generic_wrapped", "graphql", "hook", "hosts", "id", "jwks", "listen_path", "matrix", "meta_holder", "mode", "oas", "only_a",
			"pattern", "plugin", "proxy", "quota_max", "raw", "self", "tags", "target_url", "timeout", "tree", "wrapped",
			"wrapped_tagged", "x-tyk.punct$"},
	}
	got := map[string][]string{}
	for name, fields := range doc.Structs {
		keys := make([]string, 0, len(fields))
		for key := range fields {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		got[name] = keys
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("structs and keys:\n got  %v\n want %v", got, want)
	}
}

func TestExternalTypesAreListedByImportPath(t *testing.T) {
	_, doc := generateSynthetic(t)
	want := []string{
		"encoding/json.RawMessage",
		"example.com/external/extension.Plugin", // imported as ext
		"example.com/external/graphql.Schema (embedded)",
		"example.com/external/model.Meta (embedded)",
		"example.com/external/model.ObjectID",
		"github.com/TykTechnologies/tyk/apidef/oas.OAS",
		"time.Time",
	}
	if !reflect.DeepEqual(doc.External, want) {
		t.Errorf("external_types:\n got  %v\n want %v", doc.External, want)
	}
}

// source.files: every non-test .go file of apidef/ and user/ (not of their subdirectories),
// with the sha256 of its bytes; the roots and the given commit and version.
func TestHeader(t *testing.T) {
	_, doc := generateSynthetic(t)
	want := map[string]string{}
	for _, pkg := range packages {
		names, err := filepath.Glob(filepath.Join(synthetic, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			want[pkg+"/"+filepath.Base(name)] = "sha256:" + hex.EncodeToString(sum[:])
		}
	}
	if len(want) < 5 || !reflect.DeepEqual(doc.Source.Files, want) {
		t.Errorf("source.files:\n got  %v\n want %v", doc.Source.Files, want)
	}
	if doc.Source.Commit != "synthetic" || doc.Source.Version != "v0.0.0-synthetic" || doc.Source.Module != modulePath {
		t.Errorf("source: %+v", doc.Source)
	}
	if !reflect.DeepEqual(doc.Roots, map[string]string{"API_DEFINITION": api, "POLICY": policy}) {
		t.Errorf("roots: %v", doc.Roots)
	}
}

func TestOutputIsStable(t *testing.T) {
	a, _ := generateSynthetic(t)
	b, _ := generateSynthetic(t)
	if string(a) != string(b) {
		t.Error("two runs on one tree differ")
	}
}

// writeTree writes a small tree of Go files (path -> text) for the refusal cases.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
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

func TestRefusals(t *testing.T) {
	const apidef = "package apidef\n\ntype APIDefinition struct{ A int }\n"
	const user = "package user\n\ntype Policy struct{ B int }\n"
	cases := map[string]map[string]string{
		"a tree without a root type": {"apidef/a.go": apidef, "user/p.go": "package user\n"},
		"a root that decodes itself": {"apidef/a.go": apidef, "user/p.go": user +
			"func (p *Policy) UnmarshalJSON([]byte) error { return nil }\n"},
		"a file of another package":  {"apidef/a.go": apidef, "user/p.go": user, "user/x.go": "package other\n"},
		"a file that does not parse": {"apidef/a.go": apidef, "user/p.go": user, "user/x.go": "package user\n\ntype {\n"},
		"a tree without user/":       {"apidef/a.go": apidef},
	}
	if _, err := generate(writeTree(t, map[string]string{"apidef/a.go": apidef, "user/p.go": user}), "c", "v"); err != nil {
		t.Fatalf("the minimal tree is refused: %v", err)
	}
	for name, files := range cases {
		if _, err := generate(writeTree(t, files), "c", "v"); err == nil {
			t.Errorf("%s: not refused", name)
		}
	}
}

// TestSchemaAgreesWithEncodingJSON builds the synthetic module with the oracle
// (testdata/synthetic/oracle) and checks the generated schema against encoding/json's
// decoder: the keys it knows at every struct the schema reaches. The only nulls that
// encoding/json does check key by key are the types of other packages.
func TestSchemaAgreesWithEncodingJSON(t *testing.T) {
	out, _ := generateSynthetic(t)
	schema := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(schema, out, 0o644); err != nil {
		t.Fatal(err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatal("the go command is needed to build the oracle")
		}
	}
	cmd := exec.Command(goBin, "run", "./oracle", "-schema", schema)
	cmd.Dir = synthetic
	// Offline: the module's only dependency is a directory replacement.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	report, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, report)
	}
	var conservative []string
	for _, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
		if rest, ok := strings.CutPrefix(line, "conservative "); ok {
			conservative = append(conservative, rest)
		} else if line != "" {
			t.Errorf("oracle: %s", line)
		}
	}
	want := []string{
		"apidef.APIDefinition.aliased_schema", // embeds graphql.Schema through an alias
		"apidef.APIDefinition.graphql",        // embeds graphql.Schema (another module)
		"apidef.APIDefinition.meta_holder",    // embeds model.Meta (another module)
		"apidef.APIDefinition.oas",            // oas.OAS (a package not followed)
		"apidef.APIDefinition.plugin",         // extension.Plugin (another module)
	}
	if !reflect.DeepEqual(conservative, want) {
		t.Errorf("nulls that encoding/json checks key by key:\n got  %v\n want %v", conservative, want)
	}
}
