import type { HealthLevel } from "../kube/health.js";
import { formatBytes, formatCpu } from "../kube/quantity.js";
import type { NodeRow, StatusReport } from "../kube/status.js";
import { textTable } from "./output.js";

// `slipway status` as text: a header with the verdict, the nodes table (declared against actual), then one
// section per kind of finding that has entries. Colour only when asked for (a TTY without NO_COLOR).

const SGR: Record<HealthLevel | "dim", string> = {
  healthy: "32",
  progressing: "33",
  degraded: "31",
  unknown: "90",
  dim: "2",
};

export interface ViewOptions {
  colour: boolean;
}

/** The status report as aligned text. */
export function statusText(r: StatusReport, opts: ViewOptions): string {
  // Colour goes on after alignment (escape codes have no width), on whole words only.
  const paint = (text: string, level: HealthLevel | "dim") =>
    opts.colour ? `\x1b[${SGR[level]}m${text}\x1b[0m` : text;
  const colourWords = (table: string, words: Record<string, HealthLevel>) =>
    opts.colour
      ? table.replace(
          /\b(Ready|NotReady|Missing|Undeclared|Cordoned|healthy|degraded|progressing|unknown)\b/g,
          (w) => (words[w] ? paint(w, words[w]) : w),
        )
      : table;
  const out: string[] = [];
  const verdict = r.verdict === "healthy" ? paint("healthy", "healthy") : paint("degraded", "degraded");
  out.push(
    `stack ${r.stack}  context ${r.context}  ${r.server}\n` +
      `verdict: ${verdict}  (${r.counts.degraded} problems, ${r.counts.notes} notes; ${r.counts.nodes} nodes, ${r.counts.pods} pods, ${r.counts.workloads} workloads, ${r.counts.gitops} GitOps objects, ${r.counts.pvcs} PVCs, ${r.counts.warningEvents} warning events)\n`,
  );
  out.push(
    section(
      "Nodes",
      colourWords(
        textTable(
          [
            "NAME",
            "DECLARED",
            "STATUS",
            "ROLE",
            "VERSION",
            "INTERNAL IP",
            "TAILSCALE IP",
            "CPU REQ/ALLOC",
            "MEM REQ/ALLOC",
            "GPU",
          ],
          r.nodes.map(nodeCells),
        ),
        {
          Ready: "healthy",
          NotReady: "degraded",
          Missing: "degraded",
          Undeclared: "degraded",
          Cordoned: "progressing",
        },
      ),
    ),
  );
  const problems = r.findings.filter((f) => f.severity === "degraded");
  const notes = r.findings.filter((f) => f.severity === "note");
  if (r.gitops.length)
    out.push(
      section(
        "GitOps",
        colourWords(
          textTable(
            ["KIND", "NAMESPACE/NAME", "HEALTH", "REASON", "REVISION", "HEAD"],
            r.gitops.map((g) => [
              g.kind,
              `${g.namespace}/${g.name}`,
              g.level,
              g.reason,
              shortRevision(g.revision),
              g.head ?? "",
            ]),
          ),
          { healthy: "healthy", degraded: "degraded", progressing: "progressing", unknown: "unknown" },
        ),
      ),
    );
  if (problems.length)
    out.push(
      section(
        "Problems",
        problems.map((f) => `${paint("✗", "degraded")} ${f.object}: ${f.message}\n`).join(""),
      ),
    );
  if (notes.length) out.push(section("Notes", notes.map((f) => `- ${f.object}: ${f.message}\n`).join("")));
  if (r.events.length)
    out.push(
      section(
        `Last ${r.events.length} warning events (of ${r.counts.warningEvents})`,
        textTable(
          ["LAST", "COUNT", "OBJECT", "REASON", "MESSAGE"],
          r.events.map((e) => [
            e.last.replace(/\.\d+Z$/, "Z"),
            String(e.count),
            `${e.namespace}/${e.object}`,
            e.reason,
            oneLine(e.message),
          ]),
        ),
      ),
    );
  if (r.notInstalled.length)
    out.push(paint(`not installed in this cluster (not read): ${r.notInstalled.join(", ")}\n`, "dim"));
  return out.join("\n");
}

const section = (title: string, body: string) => `${title}\n${body}`;
const oneLine = (s: string) => (s.length > 100 ? `${s.slice(0, 99)}…` : s).replace(/\s+/g, " ");
const shortRevision = (r?: string) => (r ? r.replace(/(sha1:|sha256:)?([0-9a-f]{12})[0-9a-f]+/, "$1$2") : "");

function nodeCells(n: NodeRow): string[] {
  const status = !n.present
    ? "Missing"
    : [
        n.ready?.status === "True" ? "Ready" : "NotReady",
        ...(n.problems ?? []),
        ...(n.cordoned ? ["Cordoned"] : []),
      ].join(",");
  const declared = n.declared ? "yes" : n.present ? "Undeclared" : "";
  const pair = (req?: number, alloc?: number, f = formatCpu) =>
    n.present && alloc !== undefined
      ? `${f(req ?? 0)}/${f(alloc)}${alloc > 0 ? ` (${Math.round(((req ?? 0) / alloc) * 100)}%)` : ""}`
      : "";
  return [
    n.name,
    declared,
    status,
    n.role ?? n.roles?.join(",") ?? "",
    n.kubeletVersion ?? "",
    n.internalIP ?? (n.address ? `(${n.address})` : ""),
    n.tailscaleIP ?? (n.declaredTailscaleIP ? `(${n.declaredTailscaleIP})` : ""),
    pair(n.requested?.cpu, n.allocatable?.cpu),
    pair(n.requested?.memory, n.allocatable?.memory, formatBytes),
    n.gpu !== undefined ? String(n.gpu) : "",
  ];
}
