/** Go's `%v` for the values a YAML document can hold: what `{{ x }}` prints. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "<no value>";
  return goString(v, true);
}

/** fmt.Sprint of one operand; nested nils print as `<nil>` as Go does. */
export function goString(v: unknown, top = false): string {
  if (v === undefined || v === null) return top ? "<no value>" : "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => goString(x)).join(" ")}]`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `map[${keys.map((k) => `${k}:${goString(obj[k])}`).join(" ")}]`;
  }
  return String(v);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) {
    if (n === Infinity) return "+Inf";
    if (n === -Infinity) return "-Inf";
    return Number.isNaN(n) ? "NaN" : String(n);
  }
  return String(n);
}

/** Go's `printf` for the verbs stacks use: %s %v %d %f %t %q %x %%, with widths and precision. */
export function sprintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(
    /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
    (_m, flags: string, width, prec, verb) => {
      if (verb === "%") return "%";
      if (i >= args.length) return `%!${verb}(MISSING)`;
      const a = args[i++];
      let s: string;
      switch (verb) {
        case "s":
        case "v":
          s = goString(a);
          break;
        case "d":
          s = typeof a === "number" ? String(Math.trunc(a)) : `%!d(${typeName(a)}=${goString(a)})`;
          break;
        case "f":
        case "F":
          s =
            typeof a === "number" ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${typeName(a)})`;
          break;
        case "t":
          s = typeof a === "boolean" ? String(a) : `%!t(${typeName(a)})`;
          break;
        case "q":
          s = JSON.stringify(goString(a));
          break;
        case "x":
          s = typeof a === "number" ? a.toString(16) : Buffer.from(goString(a)).toString("hex");
          break;
        default:
          s = `%!${verb}(${typeName(a)}=${goString(a)})`;
      }
      if (prec !== undefined && (verb === "s" || verb === "v")) s = s.slice(0, Number(prec));
      if (width !== undefined && s.length < Number(width)) {
        const pad = (flags.includes("0") && !flags.includes("-") ? "0" : " ").repeat(
          Number(width) - s.length,
        );
        s = flags.includes("-") ? s + pad : pad + s;
      }
      return s;
    },
  );
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}
