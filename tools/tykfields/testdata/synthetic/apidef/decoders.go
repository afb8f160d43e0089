package apidef

// Types with their own JSON decoding (encoding/json's Unmarshaler and TextUnmarshaler).
// The methods accept anything, so that the oracle can tell them from checked structs.

// Duration decodes itself (pointer receiver).
type Duration struct {
	Seconds int `json:"seconds"`
}

// UnmarshalJSON accepts any value.
func (d *Duration) UnmarshalJSON([]byte) error { return nil }

// Regexp decodes itself from a JSON string (value receiver).
type Regexp struct {
	Source string `json:"source"`
}

// UnmarshalText accepts any text.
func (r Regexp) UnmarshalText([]byte) error { return nil }

// WrappedDuration gets Duration's UnmarshalJSON by embedding it.
type WrappedDuration struct {
	Duration
	Note string `json:"note"`
}

// WrappedTagged gets it through an embedded field with a tag name (a tag does not stop
// method promotion).
type WrappedTagged struct {
	Duration `json:"duration"`
	Note     string `json:"note"`
}

// DeepWrapped gets it from depth 2.
type DeepWrapped struct {
	WrappedDuration
	Extra int `json:"extra"`
}

// DurationAlias is Duration itself.
type DurationAlias = Duration

// PlainDuration has Duration's fields, not its methods.
type PlainDuration Duration

// Optional is generic; its instantiations are not followed.
type Optional[T any] struct {
	Value T `json:"value"`
}

// UnmarshalJSON accepts any value.
func (o *Optional[T]) UnmarshalJSON([]byte) error { return nil }

// AliasWrapped gets Duration's UnmarshalJSON through an embedded alias of it.
type AliasWrapped struct {
	DurationAlias
	Note string `json:"note"`
}

// GenericWrapped gets Optional's UnmarshalJSON through an embedded instantiation.
type GenericWrapped struct {
	Optional[int]
	Note string `json:"note"`
}
