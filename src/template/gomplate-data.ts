import { createRequire } from "node:module";
import type { Document, Scalar } from "yaml";
import type { TemplateFunc } from "./functions.js";
import { goType, isMap, needString, parseGoInt, toStr } from "./gomplate-conv.js";

// gomplate's `data` namespace for the formats a stack holds: JSON and YAML, read and written the way
// gomplate's Go libraries do (yaml.v3's resolution of plain scalars, ugorji's canonical JSON). The YAML
// library is loaded on first use (start-up cost).
const require = createRequire(import.meta.url);
const yamlLib = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

/** Sorted keys all the way down, as gomplate's canonical JSON and yaml.v3 write maps. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isMap(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  return v === undefined ? null : v;
}

/** ugorji's JSON, which gomplate uses: canonical key order, `<` `>` `&` escaped as Go's encoders do. */
function toJson(v: unknown, indent?: string): string {
  const text = JSON.stringify(canonical(v), null, indent);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** yaml.v3 reads a plain integer as Go's ParseInt with base 0 does: `0755` is octal, `1_000` is 1000. */
const GO_INT = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/,
  resolve: (s: string) => parseGoInt(s.replace(/^\+/, "")) ?? s,
};

/** The first document (the YAML reader reads JSON too), which must be a map or a list. */
function parseData(text: string, what: "object" | "array"): unknown {
  let doc: unknown;
  try {
    const docs = yamlLib().parseAllDocuments(text, {
      version: "1.2",
      customTags: (tags) => [
        ...tags.filter((t) => (typeof t === "string" ? !t.startsWith("int") : t.tag !== GO_INT.tag)),
        GO_INT,
      ],
    });
    const first = Array.isArray(docs) ? docs.find((d) => d.contents !== null) : undefined;
    if (first?.errors.length) throw first.errors[0]!;
    doc = first ? first.toJS({ maxAliasCount: 1000 }) : what === "object" ? {} : [];
  } catch (e) {
    throw new Error(`Unable to unmarshal ${what} ${text}: ${(e as Error).message}`, { cause: e });
  }
  const ok = what === "object" ? isMap(doc) : Array.isArray(doc);
  if (!ok)
    throw new Error(`Unable to unmarshal ${what} ${text}: cannot unmarshal ${goType(doc)} into an ${what}`);
  return doc;
}

/** Strings yaml.v3 writes double-quoted: those a YAML 1.1 or 1.2 reader would take for another type. */
const NOT_A_STRING = new RegExp(
  [
    "^$",
    "^(?:~|null|Null|NULL)$",
    "^(?:[yY]|yes|Yes|YES|[nN]|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    "^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$",
    "^[-+]?(?:\\.[0-9]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$",
    "^[-+]?\\.(?:inf|Inf|INF)$|^\\.(?:nan|NaN|NAN)$",
    "^\\d{4}-\\d\\d?-\\d\\d?(?:(?:[Tt]|[ \\t]+)\\d\\d?:\\d\\d:\\d\\d(?:\\.\\d*)?(?:[ \\t]*(?:Z|[-+]\\d\\d?(?::\\d\\d)?))?)?$",
    "^<<$",
  ].join("|"),
);

/** yaml.v3's output (indent 2, as gomplate sets it): its choice of quotes and block style for strings. */
function toYaml(v: unknown): string {
  const Y = yamlLib();
  const doc: Document = new Y.Document(canonical(v));
  Y.visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value !== "string") return;
      if (node.value.includes("\n")) node.type = "BLOCK_LITERAL";
      else if (NOT_A_STRING.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return doc.toString({ indent: 2, lineWidth: 0, singleQuote: true });
}

/** gomplate's `data` namespace. */
export function dataFunctions(): Record<string, TemplateFunc> {
  return {
    "data.JSON": (s) => parseData(toStr(s), "object"),
    "data.JSONArray": (s) => parseData(toStr(s), "array"),
    "data.YAML": (s) => parseData(toStr(s), "object"),
    "data.YAMLArray": (s) => parseData(toStr(s), "array"),
    "data.ToJSON": (v) => toJson(v),
    "data.ToJSONPretty": (indent, v) => toJson(v, needString(indent)),
    "data.ToYAML": (v) => toYaml(v),
  };
}
