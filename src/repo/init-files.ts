// What `slipway init` writes besides the flavour's template (assets/init/<flavour>/): the files every
// flavour shares, and those that hold the fresh age recipient.

/** The starting points `slipway init` knows, each a folder under assets/init/. */
export const FLAVOURS = ["homelab", "pi", "proxmox", "org"] as const;
export type Flavour = (typeof FLAVOURS)[number];

export interface FlavourInfo {
  /** What it is, in one line (help and the summary after init). */
  description: string;
  /** The one stack its template defines. */
  stack: string;
  /** Its stack has a k3s component, which reads a SOPS-encrypted join token. */
  k3sToken: boolean;
  /** Its stack has components `plan` runs (packer, terraform, ansible); org has only renderers. */
  plans: boolean;
  /** What syncs the rendered tree into the cluster. */
  engine: "flux" | "argocd";
}

/** The flavours, by name: a table the CLI's help, the writer and the tests read. */
export const FLAVOUR_INFO: Record<Flavour, FlavourInfo> = {
  homelab: {
    description: "k3s on a few machines via Ansible, add-ons, tenants and an app rendered for Flux",
    stack: "lab-prod",
    k3sToken: true,
    plans: true,
    engine: "flux",
  },
  pi: {
    description: "a Raspberry Pi k3s cluster over Tailscale (arm64), monitoring rendered for Flux",
    stack: "pi-prod",
    k3sToken: true,
    plans: true,
    engine: "flux",
  },
  proxmox: {
    description: "a Packer template, OpenTofu VMs on Proxmox, k3s on them, add-ons rendered for Flux",
    stack: "pve-prod",
    k3sToken: true,
    plans: true,
    engine: "flux",
  },
  org: {
    description: "a multi-tenant platform: Argo CD, one AppProject per organisation, policy add-ons",
    stack: "acme-prod",
    k3sToken: false,
    plans: false,
    engine: "argocd",
  },
};

/** Where init puts the age identity, relative to the repository: gitignored with the rest of `.slipway/`. */
export const IDENTITY_FILE = ".slipway/age-key.txt";
/** The k3s join token the k3s flavours' stacks name in `cluster.token.sops_file`. */
export const TOKEN_FILE = "secrets/k3s-token.enc.yaml";

/** `.gitignore`: what slipway and the tools write locally; the rendered tree stays in Git. */
export const GITIGNORE = `# What slipway keeps locally: run logs, caches, and the age identity \`slipway init\` made
# (${IDENTITY_FILE}) — never commit it.
.slipway/
# Files slipway writes for the tools just before it runs them
*.terraform.tfvars.json
*.pkrvars.json
backend.tf.json
.terraform/
# OpenTofu state, when a module has no backend: it can hold secrets
*.tfstate
*.tfstate.*
terraform.tfstate.d/
# gitops/ is committed on purpose: Flux (or Argo CD) pulls the rendered tree from this repository.
`;

/** `.sops.yaml` with one recipient: Secrets in the rendered tree, and the files the stacks read at run time. */
export function sopsConfigText(recipient: string, engine: "flux" | "argocd"): string {
  const cluster =
    engine === "flux"
      ? `Flux decrypts with the same identity, from the
# Secret named in the gitops component (decryption.secret), which you create at bootstrap:
#   kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=${IDENTITY_FILE}`
      : `Argo CD decrypts only with a SOPS plugin (such as
# KSOPS) given this identity; until then keep Secrets out of the tree it syncs.`;
  return `# Which files slipway (and sops, and ${engine === "flux" ? "Flux" : "Argo CD"}) encrypt, and for whom. The recipient is the public
# half of the age identity in ${IDENTITY_FILE} (\`export SOPS_AGE_KEY_FILE=$PWD/${IDENTITY_FILE}\` to use it).
# To add a teammate or CI, append their recipient after a comma, then run
# \`slipway secrets updatekeys\` on the encrypted files. ${cluster}
creation_rules:
  # Kubernetes Secrets \`slipway render\` writes into the tree: only data and stringData are encrypted, so
  # Flux and kustomize still read apiVersion, kind and metadata.
  - path_regex: gitops/.*\\.sops\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: ${recipient}
  # Files the stacks read at run time, such as the k3s join token: every value encrypted.
  - path_regex: secrets/.*\\.enc\\.yaml$
    age: ${recipient}
`;
}
