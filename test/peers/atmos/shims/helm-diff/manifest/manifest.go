// Package manifest is slipway's stand-in for helm-diff's manifest package (see ../go.mod).
package manifest

// MappingResult is one rendered manifest.
type MappingResult struct {
	Name    string
	Kind    string
	Content string
}

// Parse keeps the whole rendered text as one entry; this build does not split or normalise manifests.
func Parse(text []byte, namespace string, normalize bool, excludedHooks ...string) map[string]*MappingResult {
	return map[string]*MappingResult{"all": {Name: "all", Content: string(text)}}
}
