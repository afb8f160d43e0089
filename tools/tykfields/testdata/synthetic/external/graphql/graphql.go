// Package graphql stands in for a GraphQL module's types.
package graphql

// Schema is embedded (without a tag name) by apidef.GraphQLConfig.
type Schema struct {
	Query string `json:"query"`
}
