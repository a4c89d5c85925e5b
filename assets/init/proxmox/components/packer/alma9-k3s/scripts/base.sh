#!/usr/bin/env bash
# Base OS: updates, tools k3s and Ansible need, time sync.
set -euo pipefail
dnf -y update
dnf -y install chrony container-selinux iptables-nft jq python3 tar
systemctl enable --now chronyd
