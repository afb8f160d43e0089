// Package oas is a subpackage of apidef (as in Tyk): the generator does not read it, and a
// type of it is null ("another Tyk package").
package oas

// OAS stands in for Tyk's OAS API definition.
type OAS struct {
	Extension string `json:"x-tyk-api-gateway"`
}
