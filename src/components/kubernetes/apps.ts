import { z } from "zod";
import type { RenderedFile, Renderer } from "./types.js";

type Obj = Record<string, unknown>;
const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "an RFC 1123 name: lower-case letters, digits and -")
  .max(40);
const Quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a Kubernetes quantity such as 100m or 128Mi");

const Overlay = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  host: z.string().optional().describe("Ingress host in this environment"),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("ConfigMap entries that differ in this environment"),
});

const App = z.strictObject({
  name: Name,
  organisation: Name.describe("The tenant organisation: the app runs in <organisation>-<environment>"),
  image: z
    .string()
    .regex(
      /^[^\s]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/,
      "an image with a tag or digest, e.g. traefik/whoami:v1.10.3",
    )
    .refine((i) => !i.endsWith(":latest"), "pin a version: :latest changes under you"),
  port: z.number().int().min(1).max(65535).default(8080),
  replicas: z.number().int().min(0).default(1),
  host: z.string().optional().describe("Ingress host (the base; environments may override)"),
  ingress_class: z.string().default("traefik"),
  env: z.record(z.string(), z.string()).default({}).describe("Plain settings, as a ConfigMap"),
  secret_env: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      "Secret settings (write them as `!env NAME` in the stack): a Secret per environment, SOPS-encrypted in the tree",
    ),
  resources: z
    .strictObject({
      cpu: Quantity.default("50m"),
      memory: Quantity.default("64Mi"),
      memory_limit: Quantity.optional(),
    })
    .default({ cpu: "50m", memory: "64Mi" }),
  environments: z
    .record(Name, Overlay)
    .default({ prod: {}, dev: {} })
    .describe("One overlay per environment"),
});

// Top level loose: global vars reach every component.
export const AppsVars = z.object({ apps: z.array(App).min(1) });
export type AppsVars = z.infer<typeof AppsVars>;
type AppSpec = z.infer<typeof App>;

function base(a: AppSpec): RenderedFile[] {
  const labels = { "app.kubernetes.io/name": a.name, "app.kubernetes.io/part-of": a.organisation };
  const dir = `bases/apps/${a.name}`;
  const files: RenderedFile[] = [
    {
      path: `${dir}/deployment.yaml`,
      objects: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: a.name, labels },
          spec: {
            replicas: a.replicas,
            selector: { matchLabels: { "app.kubernetes.io/name": a.name } },
            template: {
              metadata: { labels },
              spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: a.name,
                    image: a.image,
                    ports: [{ name: "http", containerPort: a.port }],
                    envFrom: [
                      { configMapRef: { name: a.name } },
                      ...(Object.keys(a.secret_env).length ? [{ secretRef: { name: a.name } }] : []),
                    ],
                    resources: {
                      requests: { cpu: a.resources.cpu, memory: a.resources.memory },
                      limits: { memory: a.resources.memory_limit ?? a.resources.memory },
                    },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    readinessProbe: { tcpSocket: { port: "http" } },
                  },
                ],
              },
            },
          },
        },
      ],
    },
    {
      path: `${dir}/service.yaml`,
      objects: [
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: a.name, labels },
          spec: {
            selector: { "app.kubernetes.io/name": a.name },
            ports: [{ name: "http", port: 80, targetPort: "http" }],
          },
        },
      ],
    },
    {
      path: `${dir}/configmap.yaml`,
      objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: a.name, labels }, data: a.env }],
    },
  ];
  if (a.host) {
    files.push({
      path: `${dir}/ingress.yaml`,
      objects: [
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "Ingress",
          metadata: { name: a.name, labels },
          spec: {
            ingressClassName: a.ingress_class,
            rules: [
              {
                host: a.host,
                http: {
                  paths: [
                    {
                      path: "/",
                      pathType: "Prefix",
                      backend: { service: { name: a.name, port: { name: "http" } } },
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
    });
  }
  return files;
}

function overlay(a: AppSpec, env: string, o: z.infer<typeof Overlay>, stack: string): RenderedFile[] {
  const patches: Obj[] = [];
  if (o.replicas !== undefined)
    patches.push({
      target: { kind: "Deployment", name: a.name },
      patch: `- op: replace\n  path: /spec/replicas\n  value: ${o.replicas}\n`,
    });
  if (o.host && a.host)
    patches.push({
      target: { kind: "Ingress", name: a.name },
      patch: `- op: replace\n  path: /spec/rules/0/host\n  value: ${o.host}\n`,
    });
  for (const [k, v] of Object.entries(o.env ?? {}))
    patches.push({
      target: { kind: "ConfigMap", name: a.name },
      patch: `- op: add\n  path: /data/${k.replace(/~/g, "~0").replace(/\//g, "~1")}\n  value: ${JSON.stringify(v)}\n`,
    });
  const dir = `clusters/${stack}/apps/${a.name}/${env}`;
  const secret = Object.keys(a.secret_env).length > 0;
  const files: RenderedFile[] = [
    {
      path: `${dir}/kustomization.yaml`,
      objects: [
        {
          apiVersion: "kustomize.config.k8s.io/v1beta1",
          kind: "Kustomization",
          namespace: `${a.organisation}-${env}`,
          resources: [`../../../../../bases/apps/${a.name}`, ...(secret ? ["secret.sops.yaml"] : [])],
          ...(patches.length ? { patches } : {}),
        },
      ],
    },
  ];
  // Plaintext only in memory: render seals every *.sops.yaml with the repository's .sops.yaml before writing.
  if (secret)
    files.push({
      path: `${dir}/secret.sops.yaml`,
      objects: [
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: a.name, namespace: `${a.organisation}-${env}` },
          type: "Opaque",
          stringData: a.secret_env,
        },
      ],
    });
  return files;
}

/** `apps`: an application as a Kustomize base (Deployment, Service, ConfigMap, Ingress) plus one overlay per environment, in its tenant's namespaces. */
export const appsRenderer: Renderer<AppsVars> = {
  name: "apps",
  varsSchema: AppsVars,
  render(v, _c, ctx) {
    return v.apps.flatMap((a) => [
      ...base(a),
      ...Object.entries(a.environments).flatMap(([env, o]) => overlay(a, env, o, ctx.stack)),
    ]);
  },
};
