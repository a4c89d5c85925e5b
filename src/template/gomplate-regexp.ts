import { createHash } from "node:crypto";
import type { TemplateFunc } from "./functions.js";
import { toInt, toStr } from "./gomplate-conv.js";

// gomplate's `regexp`, `base64` and `crypto` (hashes) namespaces. Go's regular expressions (RE2) are
// translated to JavaScript's for the syntax both share; an expression JavaScript cannot read is an error.

/** RE2 syntax → a JavaScript RegExp: leading `(?flags)`, `(?P<name>…)`, `\pL`, `\A`, `\z`. */
export function goRegExp(expr: string): RegExp {
  let flags = "gu";
  let body = expr;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes("U"))
      throw new Error(`regexp flag U (ungreedy) is not supported by slipway: ${expr}`);
    flags += lead[1]!.replace(/U/g, "");
    body = body.slice(lead[0].length);
  }
  body = body
    .replace(/\(\?P</g, "(?<")
    .replace(/\\p([A-Z])/g, "\\p{$1}")
    .replace(/\\P([A-Z])/g, "\\P{$1}")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])");
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`, { cause: e });
  }
}

/** Go's "All" matching: successive matches, ignoring an empty match right after the previous one. */
function allMatches(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let prevEnd = -1;
  for (const m of s.matchAll(re)) {
    if (n >= 0 && out.length >= n) break;
    if (m[0] === "" && m.index === prevEnd) continue;
    out.push(m as RegExpExecArray);
    prevEnd = m.index + m[0].length;
  }
  return out;
}

/** Go's Regexp.Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown name is "". */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (all, _x, braced, bare) => {
    if (all === "$$") return "$";
    const name = (braced ?? bare) as string;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? "";
    return m.groups?.[name] ?? "";
  });
}

function replace(re: RegExp, s: string, with_: (m: RegExpExecArray) => string): string {
  let out = "";
  let at = 0;
  for (const m of allMatches(re, s, -1)) {
    out += s.slice(at, m.index) + with_(m);
    at = m.index + m[0].length;
  }
  return out + s.slice(at);
}

function split(re: RegExp, s: string, n: number): string[] | null {
  if (n === 0) return null;
  if (re.source !== "(?:)" && s === "") return [""];
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const m of allMatches(re, s, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) parts.push(s.slice(begin, end));
    begin = m.index + m[0].length;
  }
  if (end !== s.length) parts.push(s.slice(begin));
  return parts;
}

function twoOrThree(a: unknown[]): [RegExp, number, string] {
  if (a.length === 2) return [goRegExp(toStr(a[0])), -1, toStr(a[1])];
  if (a.length === 3) return [goRegExp(toStr(a[0])), toInt(a[1]), toStr(a[2])];
  throw new Error(`wrong number of args: want 2 or 3, got ${a.length}`);
}

/** Go's strict base64, then its URL variant, as gomplate's base64.Decode tries them. */
function decode64(s: string): string {
  const std = /^[A-Za-z0-9+/]*={0,2}$/.test(s);
  const url = /^[A-Za-z0-9_-]*={0,2}$/.test(s);
  if (s.length % 4 !== 0 || (!std && !url)) throw new Error("illegal base64 data");
  return Buffer.from(s, std ? "base64" : "base64url").toString("utf8");
}

const HASHES = {
  SHA1: "sha1",
  SHA224: "sha224",
  SHA256: "sha256",
  SHA384: "sha384",
  SHA512: "sha512",
  SHA512_224: "sha512-224",
  SHA512_256: "sha512-256",
} as const;

/** gomplate's `regexp`, `base64` and `crypto` hash functions. */
export function regexpFunctions(): Record<string, TemplateFunc> {
  return {
    "regexp.Find": (re, s) => allMatches(goRegExp(toStr(re)), toStr(s), 1)[0]?.[0] ?? "",
    "regexp.FindAll": (...a) => {
      const [re, n, s] = twoOrThree(a);
      return n === 0 ? null : allMatches(re, s, n).map((m) => m[0]);
    },
    "regexp.Match": (re, s) => goRegExp(toStr(re)).test(toStr(s)),
    "regexp.QuoteMeta": (s) => toStr(s).replace(/[\\.+*?()|[\]{}^$]/g, "\\$&"),
    "regexp.Replace": (re, r, s) => replace(goRegExp(toStr(re)), toStr(s), (m) => expand(toStr(r), m)),
    "regexp.ReplaceLiteral": (re, r, s) => replace(goRegExp(toStr(re)), toStr(s), () => toStr(r)),
    "regexp.Split": (...a) => {
      if (a.length !== 2 && a.length !== 3)
        throw new Error(`wrong number of args: want 2 or 3, got ${a.length}`);
      const [re, n, s] = twoOrThree(a);
      return split(re, s, n);
    },
    "base64.Encode": (v) => Buffer.from(toStr(v), "utf8").toString("base64"),
    "base64.Decode": (v) => decode64(toStr(v)),
    ...Object.fromEntries(
      Object.entries(HASHES).map(([name, algo]) => [
        `crypto.${name}`,
        (v: unknown) => createHash(algo).update(toStr(v), "utf8").digest("hex"),
      ]),
    ),
  };
}
