packer {
  required_plugins {
    proxmox = {
      version = ">= 1.2.0"
      source  = "github.com/hashicorp/proxmox"
    }
  }
}

variable "proxmox" {
  type = object({
    endpoint = string
    node     = string
    insecure = bool
  })
}

variable "network" {
  type = object({
    bridge      = string
    cidr        = string
    gateway     = string
    nameservers = list(string)
    domain      = string
  })
}

variable "k3s" {
  type = object({
    version           = string
    token_secret_file = string
  })
}

variable "tenant" {
  type = string
}

variable "stage" {
  type = string
}

variable "template_name" {
  type = string
}

variable "template_vm_id" {
  type = number
}

variable "iso" {
  type = object({
    version  = string
    arch     = string
    file     = string
    checksum = string
  })
}

variable "cpu_type" {
  type    = string
  default = "host"
}

variable "cores" {
  type    = number
  default = 2
}

variable "memory_mb" {
  type    = number
  default = 2048
}

variable "disk_gb" {
  type    = number
  default = 20
}

variable "storage" {
  type    = string
  default = "local-lvm"
}

variable "ssh_username" {
  type = string
}

# Secret: set PKR_VAR_ssh_password in the environment; it is never written to a varfile.
variable "ssh_password" {
  type      = string
  sensitive = true
  default   = ""
}

source "proxmox-iso" "alma9" {
  proxmox_url              = var.proxmox.endpoint
  node                     = var.proxmox.node
  insecure_skip_tls_verify = var.proxmox.insecure
  vm_id                    = var.template_vm_id
  vm_name                  = var.template_name
  template_description     = "AlmaLinux ${var.iso.version} (${var.iso.arch}) with k3s ${var.k3s.version} prerequisites"
  tags                     = "template;k3s"

  boot_iso {
    iso_file     = var.iso.file
    iso_checksum = var.iso.checksum
    unmount      = true
  }

  cpu_type = var.cpu_type
  cores    = var.cores
  memory   = var.memory_mb
  os       = "l26"

  scsi_controller = "virtio-scsi-single"
  disks {
    type         = "scsi"
    disk_size    = "${var.disk_gb}G"
    storage_pool = var.storage
    format       = "raw"
  }

  network_adapters {
    model  = "virtio"
    bridge = var.network.bridge
  }

  cloud_init              = true
  cloud_init_storage_pool = var.storage

  http_directory = "${path.root}/http"
  boot_command   = ["<up><tab> inst.text inst.ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg<enter><wait>"]
  boot_wait      = "10s"

  ssh_username = var.ssh_username
  ssh_password = var.ssh_password
  ssh_timeout  = "30m"
}

build {
  sources = ["source.proxmox-iso.alma9"]

  provisioner "shell" {
    execute_command  = "sudo -E bash '{{ .Path }}'"
    environment_vars = ["K3S_VERSION=${var.k3s.version}"]
    scripts = [
      "${path.root}/scripts/base.sh",
      "${path.root}/scripts/k3s-prereqs.sh",
      "${path.root}/scripts/cleanup.sh",
    ]
  }
}
