package apidef

// A second file of the package, with its own imports: types resolve across files, and
// a qualifier is read from the importing file.

import "example.com/external/graphql"

// GraphQLConfig embeds a struct of another module without a tag name.
type GraphQLConfig struct {
	graphql.Schema
	Enabled bool `json:"enabled"`
}

// SchemaAlias names a type of another module.
type SchemaAlias = graphql.Schema

// AliasedSchemaConfig embeds it through the alias.
type AliasedSchemaConfig struct {
	SchemaAlias
	Enabled bool `json:"enabled"`
}
