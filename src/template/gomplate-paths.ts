import { posix } from "node:path";
import type { TemplateFunc } from "./functions.js";
import { toStr } from "./gomplate-conv.js";

// gomplate's `path` and `filepath` namespaces: Go's slash-separated rules, which are also filepath's on
// Linux. (gomplate's `env` namespace is hidden by Sprig's `env` function, in Atmos as here.)

/** Go's path.Clean: no trailing slash, no `.` or `x/..` elements, "." for an empty result. */
export function clean(p: string): string {
  if (p === "") return ".";
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

function base(p: string): string {
  if (p === "") return ".";
  const s = p.replace(/\/+$/, "");
  if (s === "") return "/";
  return s.slice(s.lastIndexOf("/") + 1);
}

function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf("/") + 1));
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

function join(parts: unknown[]): string {
  const elems = parts.map(toStr).filter((x) => x !== "");
  return elems.length === 0 ? "" : clean(elems.join("/"));
}

/** Go's path.Match: `*` and `?` within one element, `[…]` classes (`^` negates), `\` escapes. */
function match(pattern: string, name: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\") {
      if (i + 1 >= pattern.length) throw new Error("syntax error in pattern");
      re += "\\" + pattern[++i];
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new Error("syntax error in pattern");
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      if (body === "") throw new Error("syntax error in pattern");
      re += `[${negate ? "^/" : ""}${body.replace(/[\]\\^]/g, (m) => (m === "\\" ? "\\" : "\\" + m))}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "u").test(name);
}

function split(p: string): string[] {
  const i = p.lastIndexOf("/");
  return [p.slice(0, i + 1), p.slice(i + 1)];
}

function rel(basePath: string, target: string): string {
  const b = clean(basePath);
  const t = clean(target);
  if (b.startsWith("/") !== t.startsWith("/") || (!b.startsWith("/") && (b === ".." || b.startsWith("../"))))
    throw new Error(`Rel: can't make ${target} relative to ${basePath}`);
  const root = (x: string) => (x.startsWith("/") ? x : "/" + x);
  return posix.relative(root(b), root(t)) || ".";
}

function namespace(ns: "path" | "filepath"): Record<string, TemplateFunc> {
  return {
    [`${ns}.Base`]: (p) => base(toStr(p)),
    [`${ns}.Clean`]: (p) => clean(toStr(p)),
    [`${ns}.Dir`]: (p) => dir(toStr(p)),
    [`${ns}.Ext`]: (p) => ext(toStr(p)),
    [`${ns}.IsAbs`]: (p) => toStr(p).startsWith("/"),
    [`${ns}.Join`]: (...parts) => join(parts),
    [`${ns}.Match`]: (pattern, name) => match(toStr(pattern), toStr(name)),
    [`${ns}.Split`]: (p) => split(toStr(p)),
  };
}

/** gomplate's `path` and `filepath` namespaces. */
export function pathFunctions(): Record<string, TemplateFunc> {
  return {
    ...namespace("path"),
    ...namespace("filepath"),
    "filepath.FromSlash": (p) => toStr(p),
    "filepath.ToSlash": (p) => toStr(p),
    "filepath.VolumeName": () => "",
    "filepath.Rel": (b, t) => rel(toStr(b), toStr(t)),
  };
}
