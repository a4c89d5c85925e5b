/**
 * True when a YAML document is a Go template (a Helm chart template, a Jinja or cookiecutter scaffold)
 * rather than a manifest: `{{` (or `{%`) stands where YAML structure or a whole value is. A `{{` inside a
 * quoted string, a block scalar or a plain string that starts with other text is data — alert templates in a
 * PrometheusRule, Alertmanager or Grafana templates in a ConfigMap — and keeps the document a manifest.
 */
export function isGoTemplate(text: string): boolean {
  if (!text.includes("{{") && !text.includes("{%")) return false;
  const lines = text.split("\n");
  let blockIndent = -1;
  for (const raw of lines) {
    const indent = raw.length - raw.trimStart().length;
    if (blockIndent >= 0) {
      if (raw.trim() === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const line = raw
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(/(^|\s)#.*$/, "");
    // A template action at the start of a line, of a value or of a sequence item.
    if (/(^\s*|:\s+|^\s*-\s+)\{[{%]/.test(line)) return true;
    if (/:\s*[|>][-+0-9]*\s*$/.test(line) || /^\s*-\s+[|>][-+0-9]*\s*$/.test(line)) blockIndent = indent;
  }
  return false;
}
