// The Go packages controller-gen reads to write prometheus-operator's CRDs (scripts/gen-crd-schemas.mjs): this
// module only pins their versions; the blank imports keep go mod tidy from dropping them.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1beta1"
)
