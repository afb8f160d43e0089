// Package extension stands in for a plugin module, imported under another name.
package extension

// Plugin is a struct of another module.
type Plugin struct {
	Path string `json:"path"`
}
