// Package netaddr is slipway's stand-in for inet.af/netaddr in the Atmos peer build (see go.mod): the
// types and parsers gomplate v3's net.ParseIP / ParseIPPrefix / ParseIPRange return, on net/netip.
package netaddr

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// IP is an IPv4 or IPv6 address.
type IP struct{ netip.Addr }

// IPPrefix is an address and a prefix length.
type IPPrefix struct{ netip.Prefix }

// IPRange is an inclusive range of addresses.
type IPRange struct{ from, to netip.Addr }

// ParseIP parses "192.0.2.1" or "2001:db8::1".
func ParseIP(s string) (IP, error) {
	a, err := netip.ParseAddr(s)
	return IP{a}, err
}

// ParseIPPrefix parses "192.0.2.0/24".
func ParseIPPrefix(s string) (IPPrefix, error) {
	p, err := netip.ParsePrefix(s)
	return IPPrefix{p}, err
}

// ParseIPRange parses "192.0.2.1-192.0.2.9".
func ParseIPRange(s string) (IPRange, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return IPRange{}, fmt.Errorf("no hyphen in range %q", s)
	}
	from, err := netip.ParseAddr(a)
	if err != nil {
		return IPRange{}, err
	}
	to, err := netip.ParseAddr(b)
	if err != nil {
		return IPRange{}, err
	}
	if to.Less(from) {
		return IPRange{}, fmt.Errorf("range %q ends before it starts", s)
	}
	return IPRange{from, to}, nil
}

// Masked is the prefix with the host bits cleared.
func (p IPPrefix) Masked() IPPrefix { return IPPrefix{p.Prefix.Masked()} }

// IPNet is the prefix as the standard library's *net.IPNet.
func (p IPPrefix) IPNet() *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// From is the first address of the range.
func (r IPRange) From() IP { return IP{r.from} }

// To is the last address of the range.
func (r IPRange) To() IP { return IP{r.to} }

func (r IPRange) String() string { return r.from.String() + "-" + r.to.String() }
