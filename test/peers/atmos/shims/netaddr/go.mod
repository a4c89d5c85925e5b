// Stand-in for inet.af/netaddr, whose host the module proxy here does not serve. Written for slipway's
// Atmos peer build only: it covers what gomplate v3's net.* template functions call, on net/netip.
module inet.af/netaddr

go 1.22
