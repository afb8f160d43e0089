// Package user is synthetic: written for the tests of tools/tykfields in the shapes of
// TykTechnologies/tyk's user package (none of Tyk's code).
package user

import tykapidef "github.com/TykTechnologies/tyk/apidef"

// Policy is the root POLICY (as Tyk's user.Policy).
type Policy struct {
	ID           string                      `bson:"_id,omitempty" json:"_id"` // "_id"
	Name         string                      `json:"name"`                     // "name"
	AccessRights map[string]AccessDefinition `json:"access_rights"`            // {"map": {"ref": "user.AccessDefinition"}}
	MetaData     map[string]interface{}      `json:"meta_data"`                // {"map": null}

	tykapidef.RateLimit                               // a struct of the other package read, flattened: "rate", "per"
	Smoothing           *tykapidef.RateLimitSmoothing `json:"smoothing"` // {"ref": "apidef.RateLimitSmoothing"}
	Limit               APILimit                      `json:"limit"`     // a defined type of the other package's struct: {"ref": "user.APILimit"}
}
