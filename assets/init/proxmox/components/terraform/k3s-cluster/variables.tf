variable "proxmox" {
  description = "Proxmox API endpoint and the node VMs are placed on"
  type = object({
    endpoint = string
    node     = string
    insecure = optional(bool, false)
  })
}

variable "network" {
  description = "Bridge, subnet, gateway and DNS for the cluster VMs"
  type = object({
    bridge      = string
    cidr        = string
    gateway     = string
    nameservers = list(string)
    domain      = string
  })
}

variable "k3s" {
  description = "k3s version and where its join token is kept (SOPS-encrypted)"
  type = object({
    version           = string
    token_secret_file = string
  })
}

variable "cluster_name" {
  description = "Prefix of every VM name"
  type        = string
}

variable "stage" {
  description = "Environment name (prod, dev)"
  type        = string
}

variable "tenant" {
  description = "Owner of the environment"
  type        = string
}

variable "storage" {
  description = "Proxmox storage for VM disks"
  type        = string
  default     = "local-lvm"
}

variable "template_name" {
  description = "Name of the Packer-built template to clone"
  type        = string
}

variable "first_ip_offset" {
  description = "Host number of the first VM inside network.cidr"
  type        = number
}

variable "servers" {
  description = "k3s server VMs"
  type = object({
    count     = number
    cores     = number
    memory_mb = number
    disk_gb   = number
  })
}

variable "agents" {
  description = "k3s agent VMs"
  type = object({
    count     = number
    cores     = number
    memory_mb = number
    disk_gb   = number
  })
}

variable "ssh_user" {
  description = "User cloud-init creates"
  type        = string
}

variable "ssh_public_keys" {
  description = "Public keys allowed to log in"
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Proxmox tags on every VM"
  type        = list(string)
  default     = []
}
