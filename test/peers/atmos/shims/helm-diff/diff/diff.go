// Package diff is slipway's stand-in for helm-diff's diff package (see ../go.mod).
package diff

import (
	"fmt"
	"io"

	"github.com/databus23/helm-diff/v3/manifest"
)

// Options are helm-diff's report options; this build reads none of them.
type Options struct {
	OutputFormat  string
	OutputContext int
	ShowSecrets   bool
}

// Manifests reports whether the two differ, and says that this build cannot show how.
func Manifests(oldIndex, newIndex map[string]*manifest.MappingResult, options *Options, to io.Writer) bool {
	changed := len(oldIndex) != len(newIndex)
	for k, v := range oldIndex {
		if n, ok := newIndex[k]; !ok || n.Content != v.Content {
			changed = true
		}
	}
	if changed {
		fmt.Fprintln(to, "helm-diff is not part of this Atmos build (slipway's test peer): the manifests differ")
	}
	return changed
}
