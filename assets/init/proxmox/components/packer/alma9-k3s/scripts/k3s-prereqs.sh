#!/usr/bin/env bash
# k3s prerequisites: no swap, kernel modules and sysctls for the CNI, firewall ports, k3s SELinux policy.
set -euo pipefail
swapoff -a
sed -i '/ swap / s/^/#/' /etc/fstab

cat > /etc/modules-load.d/k3s.conf <<MODS
br_netfilter
overlay
MODS
modprobe br_netfilter
modprobe overlay

cat > /etc/sysctl.d/90-k3s.conf <<SYSCTL
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
SYSCTL
sysctl --system

# API server, kubelet, flannel VXLAN, embedded etcd.
for port in 6443/tcp 10250/tcp 8472/udp 2379-2380/tcp; do
  firewall-cmd --permanent --add-port="$port"
done
firewall-cmd --permanent --zone=trusted --add-source=10.42.0.0/16
firewall-cmd --permanent --zone=trusted --add-source=10.43.0.0/16
firewall-cmd --reload

dnf -y install "https://rpm.rancher.io/k3s/stable/common/centos/9/noarch/k3s-selinux-1.6-1.el9.noarch.rpm"
echo "k3s ${K3S_VERSION} prerequisites installed"
