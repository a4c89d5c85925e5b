data "proxmox_virtual_environment_vms" "template" {
  node_name = var.proxmox.node
  tags      = ["template"]
  filter {
    name   = "name"
    values = [var.template_name]
  }
}

locals {
  prefix = tonumber(split("/", var.network.cidr)[1])
  nodes = merge(
    { for i in range(var.servers.count) : "${var.cluster_name}-server-${i + 1}" => {
      role = "server", index = i, size = var.servers
    } },
    { for i in range(var.agents.count) : "${var.cluster_name}-agent-${i + 1}" => {
      role = "agent", index = var.servers.count + i, size = var.agents
    } },
  )
}

resource "proxmox_virtual_environment_vm" "node" {
  for_each  = local.nodes
  name      = each.key
  node_name = var.proxmox.node
  tags      = concat(var.tags, [each.value.role])

  clone {
    vm_id = data.proxmox_virtual_environment_vms.template.vms[0].vm_id
    full  = true
  }

  cpu {
    cores = each.value.size.cores
    type  = "host"
  }

  memory {
    dedicated = each.value.size.memory_mb
  }

  disk {
    datastore_id = var.storage
    interface    = "scsi0"
    size         = each.value.size.disk_gb
  }

  network_device {
    bridge = var.network.bridge
  }

  agent {
    enabled = true
  }

  initialization {
    datastore_id = var.storage
    ip_config {
      ipv4 {
        address = "${cidrhost(var.network.cidr, var.first_ip_offset + each.value.index)}/${local.prefix}"
        gateway = var.network.gateway
      }
    }
    dns {
      servers = var.network.nameservers
      domain  = var.network.domain
    }
    user_account {
      username = var.ssh_user
      keys     = var.ssh_public_keys
    }
  }
}
