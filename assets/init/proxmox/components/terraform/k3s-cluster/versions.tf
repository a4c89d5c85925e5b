terraform {
  required_version = ">= 1.6.0"
  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.66"
    }
  }
}

# Credentials come from the environment (PROXMOX_VE_API_TOKEN), never from variables in Git.
provider "proxmox" {
  endpoint = var.proxmox.endpoint
  insecure = var.proxmox.insecure
}
