package user

import "github.com/TykTechnologies/tyk/apidef"

// AccessDefinition is the value of Policy's map (as Tyk's user.AccessDefinition).
type AccessDefinition struct {
	APIName     string       `json:"api_name"`
	Versions    []string     `json:"versions"`
	AllowedURLs []AccessSpec `json:"allowed_urls"`
	Limit       APILimit     `json:"limit"`
}

// AccessSpec is an element of a list.
type AccessSpec struct {
	URL     string   `json:"url"`
	Methods []string `json:"methods"`
}

// APILimit is a defined type of a struct of the other package.
type APILimit apidef.RateLimit
