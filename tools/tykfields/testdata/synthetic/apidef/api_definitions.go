// Package apidef is synthetic: written for the tests of tools/tykfields in the shapes of
// TykTechnologies/tyk's apidef package (none of Tyk's code). Each field of APIDefinition
// exercises one encoding/json rule the generator follows; its comment names the key(s)
// expected in the generated schema (tools/tykfields/main_test.go asserts each, and
// oracle/ checks the schema against encoding/json itself).
package apidef

import (
	"encoding/json"
	"time"

	ext "example.com/external/extension"
	"example.com/external/model"
	"github.com/TykTechnologies/tyk/apidef/oas"
)

// APIDefinition is the root API_DEFINITION (as Tyk's apidef.APIDefinition).
type APIDefinition struct {
	// Keys and tags.
	APIID        string `bson:"api_id" json:"api_id"` // "api_id": the json tag's name
	Untagged     int    // "Untagged": no tag, the Go name
	OptionsOnly  bool   `json:",omitempty"`   // "OptionsOnly": a tag without a name
	BadTag       string `json:"bad\"tag"`     // "BadTag": an invalid name (a quote is reserved)
	Punctuated   string `json:"x-tyk.punct$"` // "x-tyk.punct$": other punctuation is allowed
	Skipped      string `json:"-"`            // left out
	Dash         string `json:"-,"`           // "-"
	internal     string `json:"internal"`     // left out: unexported
	Left, Right  string // "Left", "Right"
	TwinA, TwinB string `json:"twin"` // "twin" twice at depth 0, both tagged: a tie, left out

	// Embedded fields.
	ProxyConfig                   // flattened: "listen_path", "target_url" (its "api_id" is shadowed by depth 0)
	*CORSConfig                   // a pointer to a struct, flattened: "allowed_origins"
	AuthConfig      `json:"auth"` // a tag name: "auth" holds the struct, not flattened
	Protocol                      // an exported non-struct type: "Protocol"
	visibility                    // an unexported non-struct type: left out
	limits                        // an unexported struct: its exported fields flattened: "quota_max"
	VersionTagged                 // "Version" tagged at depth 1 ...
	VersionUntagged               // ... beats "Version" untagged at depth 1: {"list": null}
	SharedViaA                    // "only_a"; "Dup" at depth 1 in both A and B: a tie, left out;
	SharedViaB                    // both embed Shared: its "shared" appears twice at depth 2, left out
	Defaults                      // a defined type of a struct, flattened: "timeout"

	// Types with their own decoding: null.
	Expiry         Duration         `json:"expiry"`          // UnmarshalJSON (pointer receiver)
	Pattern        Regexp           `json:"pattern"`         // UnmarshalText (value receiver)
	Wrapped        WrappedDuration  `json:"wrapped"`         // UnmarshalJSON promoted from an embedded field
	WrappedTagged  WrappedTagged    `json:"wrapped_tagged"`  // ... from an embedded field with a tag name
	DeepWrapped    DeepWrapped      `json:"deep_wrapped"`    // ... from depth 2
	AliasWrapped   AliasWrapped     `json:"alias_wrapped"`   // ... through an embedded alias
	GenericWrapped GenericWrapped   `json:"generic_wrapped"` // ... through an embedded generic instantiation
	Aliased        DurationAlias    `json:"aliased"`         // an alias: the same type, methods included
	Copied         PlainDuration    `json:"copied"`          // a defined type drops the methods: {"ref": "apidef.PlainDuration"}
	Generic        Optional[string] `json:"generic"`         // a generic instantiation: null

	// Types of other packages: null (listed in external_types).
	ID            model.ObjectID      `json:"id"`             // another module
	Plugin        ext.Plugin          `json:"plugin"`         // imported under another name: listed by import path
	OAS           *oas.OAS            `json:"oas"`            // another Tyk package (not followed)
	Raw           json.RawMessage     `json:"raw"`            // the standard library
	Created       time.Time           `json:"created"`        // the standard library
	GraphQL       GraphQLConfig       `json:"graphql"`        // embeds a struct of another module: its keys cannot be read
	Holder        MetaHolder          `json:"meta_holder"`    // embeds one under a tag name: its methods are promoted all the same
	AliasedSchema AliasedSchemaConfig `json:"aliased_schema"` // embeds one through an alias

	// Shapes.
	ConfigData  map[string]interface{} `json:"config_data"`     // {"map": null}
	Anything    any                    `json:"anything"`        // null
	Hook        func(string) error     `json:"hook"`            // null
	Certificate []byte                 `json:"certificate"`     // null: a base64 string
	Fingerprint [4]byte                `json:"fingerprint"`     // {"list": null}: an array of numbers
	Tags        []string               `json:"tags"`            // {"list": null}
	Matrix      [][]int                `json:"matrix"`          // {"list": {"list": null}}
	JWKS        []JWK                  `json:"jwks"`            // {"list": {"ref": "apidef.JWK"}}
	Hosts       [2]*JWK                `json:"hosts"`           // {"list": {"ref": "apidef.JWK"}}
	AuthConfigs map[string]AuthConfig  `json:"auth_configs"`    // {"map": {"ref": "apidef.AuthConfig"}}
	Overrides   ErrorOverridesMap      `json:"error_overrides"` // a named map type: its map
	Mode        Protocol               `json:"mode"`            // a named string type: null
	Proxy       *ProxyConfig           `json:"proxy"`           // {"ref": "apidef.ProxyConfig"}
	Self        *APIDefinition         `json:"self"`            // {"ref": "apidef.APIDefinition"}
	Tree        Node                   `json:"tree"`            // Node embeds *Node: expanded once
	BasicAuth   struct {
		CacheTTL int      `json:"cache_ttl"`
		Decoded  Duration `json:"decoded"`
	} `json:"basic_auth"` // {"struct": {"cache_ttl": null, "decoded": null}}
}

// ProxyConfig is embedded in APIDefinition and named by its "proxy".
type ProxyConfig struct {
	ListenPath string   `json:"listen_path"`
	TargetURL  string   `json:"target_url"`
	APIID      []string `json:"api_id"` // shadowed in APIDefinition by its own "api_id"
}

// CORSConfig is embedded through a pointer.
type CORSConfig struct {
	AllowedOrigins []string `json:"allowed_origins"`
}

// AuthConfig is embedded under a tag name and is the value of a map.
type AuthConfig struct {
	AuthHeaderName string `json:"auth_header_name"`
	UseParam       bool   `json:"use_param"`
}

// Protocol is a named string type.
type Protocol string

type visibility int

type limits struct {
	QuotaMax int64 `json:"quota_max"`
}

// VersionTagged and VersionUntagged compete for the key "Version" at one depth.
type VersionTagged struct {
	Version []string `json:"Version"`
}

// VersionUntagged has the untagged "Version".
type VersionUntagged struct {
	Version string
}

// Shared is embedded in both SharedViaA and SharedViaB.
type Shared struct {
	SharedKey string `json:"shared"`
}

// SharedViaA embeds Shared.
type SharedViaA struct {
	Shared
	OnlyA string `json:"only_a"`
	Dup   string
}

// SharedViaB embeds Shared.
type SharedViaB struct {
	Shared
	Dup int
}

// ProxyDefaults is the underlying struct of Defaults.
type ProxyDefaults struct {
	Timeout int `json:"timeout"`
}

// Defaults is a defined type of a struct.
type Defaults ProxyDefaults

// MetaHolder embeds a type of another module under a tag name.
type MetaHolder struct {
	model.Meta `json:"meta"`
	Owner      string `json:"owner"`
}

// JWK is an element of a slice and an array.
type JWK struct {
	URL string `json:"url"`
	KID string `json:"kid"`
}

// ErrorOverridesMap is a named map type.
type ErrorOverridesMap map[string][]ErrorOverride

// ErrorOverride is the element of ErrorOverridesMap's lists.
type ErrorOverride struct {
	Code int `json:"code"`
}

// Node embeds a pointer to itself.
type Node struct {
	*Node
	Value int `json:"value"`
}
