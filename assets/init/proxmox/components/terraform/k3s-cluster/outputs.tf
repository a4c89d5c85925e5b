output "vm_ids" {
  description = "Proxmox VM id of every node, by name"
  value       = { for name, vm in proxmox_virtual_environment_vm.node : name => vm.vm_id }
}

output "ips" {
  description = "IPv4 address of every node, by name"
  value       = { for name, n in local.nodes : name => cidrhost(var.network.cidr, var.first_ip_offset + n.index) }
}

output "servers" {
  description = "Names of the k3s server nodes"
  value       = [for name, n in local.nodes : name if n.role == "server"]
}

output "kubeconfig_command" {
  description = "Fetches the cluster's kubeconfig from the first server"
  value       = "ssh ${var.ssh_user}@${cidrhost(var.network.cidr, var.first_ip_offset)} sudo cat /etc/rancher/k3s/k3s.yaml | sed 's/127.0.0.1/${cidrhost(var.network.cidr, var.first_ip_offset)}/' > kubeconfig-${var.cluster_name}.yaml"
}
