// Stand-in for github.com/databus23/helm-diff/v3, which the module proxy here does not serve. Written for
// slipway's Atmos peer build only, which never runs `atmos helm diff`: that command says so instead.
module github.com/databus23/helm-diff/v3

go 1.22
