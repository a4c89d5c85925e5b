// `npm run bench`: every benchmark, one after the other.
await import("./describe-stacks.mjs");
await import("./secrets.mjs");
await import("./manifests.mjs");
await import("./render.mjs");
await import("./plan.mjs");
await import("./nodes.mjs");
await import("./cluster.mjs");
// The live-cluster benchmark (issue 17): ~15 minutes at full scale; `node bench/kube-scale.mjs --quick` alone.
await import("./kube-scale.mjs");
await import("./affected.mjs");
