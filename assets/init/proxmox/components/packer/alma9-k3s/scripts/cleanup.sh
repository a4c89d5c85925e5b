#!/usr/bin/env bash
# Make the template clonable: fresh machine-id, no host keys, no cloud-init state, no logs.
set -euo pipefail
dnf clean all
truncate -s 0 /etc/machine-id
rm -f /etc/ssh/ssh_host_*
cloud-init clean --logs
rm -rf /tmp/* /var/tmp/*
