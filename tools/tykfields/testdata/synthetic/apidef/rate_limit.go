package apidef

// RateLimit is embedded in user.Policy and underlies user.APILimit.
type RateLimit struct {
	Rate float64 `json:"rate"`
	Per  float64 `json:"per"`
}

// RateLimitSmoothing is named from user.Policy.
type RateLimitSmoothing struct {
	Enabled   bool  `json:"enabled"`
	Threshold int64 `json:"threshold"`
}
