// Package model stands in for a storage module's types.
package model

// ObjectID is a string type of another module (Tyk's API definition has one as "id").
type ObjectID string

// Meta is a struct of another module; encoding/json checks its keys, the generator
// cannot read them.
type Meta struct {
	Created string `json:"created"`
}
