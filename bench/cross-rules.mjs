// The cross-object rules of `validate manifests` on 10,000 generated objects in 200 namespaces (Deployments,
// Services, Ingresses, HTTPRoutes; a tenth of the Services select nothing). Times the pure rule functions
// (built dist/), which must stay a small part of the ≤ 1.5 s no-build budget. Prints figures; asserts nothing.
import { crossObjectRules } from "../dist/manifests/cross-rules.js";

const objects = [];
const add = (value) => objects.push({ file: "bench.yaml", line: 1, value, lineOf: () => 1 });
for (let n = 0; n < 200; n++) {
  const namespace = `ns-${n}`;
  for (let i = 0; i < 13; i++) {
    const name = `app-${n}-${i}`;
    const labels = { app: name, tier: "web" };
    add({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [] } },
      },
    });
    add({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace },
      spec: { selector: i % 10 === 0 ? { app: `${name}-gone` } : labels },
    });
    add({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, namespace },
      spec: { rules: [{ http: { paths: [{ backend: { service: { name } } }] } }] },
    });
    add({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name, namespace },
      spec: { rules: [{ backendRefs: [{ name }] }] },
    });
  }
}
const runs = [];
let hits = 0;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  hits = crossObjectRules(objects).length;
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);
console.log(
  `cross-object rules: ${objects.length} objects, ${hits} findings; median ${runs[2].toFixed(1)} ms (min ${runs[0].toFixed(1)}, max ${runs[4].toFixed(1)}) over 5 runs`,
);
