/**
 * Values in a Secret's `data` / `stringData` that hold no secret, as `validate manifests` and `secrets check`
 * both judge them: the empty string (sops never encrypts it), SOPS ciphertext, and references a tool resolves
 * later — 1Password (`op://`), vals (`ref+…://`), argocd-vault-plugin (`<path:…>`) and Flux substitutions
 * (`${VAR}`, `${VAR:-default}`, `${VAR:=${OTHER:-x}}`, or several of them with nothing in between).
 */
export function isNotASecret(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const v = value.trim();
  if (value === "") return true;
  if (/^(ENC\[AES256_GCM,|op:\/\/|ref\+[a-z0-9]+:\/\/|<path:)/.test(v)) return true;
  return onlySubstitutions(v);
}

/** A Flux / envsubst variable name and the operators that may follow it (`:-`, `-`, `:=`, `=`). */
const HEAD = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?=[}:=-])/;

/** True when `v` is one or more `${…}` substitutions, defaults nested to any depth, and nothing else. */
function onlySubstitutions(v: string): boolean {
  let i = 0;
  while (i < v.length) {
    const end = substitutionEnd(v, i);
    if (end < 0) return false;
    i = end;
  }
  return v.length > 0;
}

/** The index after the `${…}` that starts at `start`, or -1 when none does. */
function substitutionEnd(v: string, start: number): number {
  const head = HEAD.exec(v.slice(start));
  if (!head) return -1;
  let i = start + head[0].length;
  if (v[i] === "}") return i + 1;
  const op = /^(:-|:=|-|=)/.exec(v.slice(i));
  if (!op) return -1;
  i += op[0].length;
  // The default runs to the matching brace; a nested `${…}` inside it is skipped as a whole.
  while (i < v.length && v[i] !== "}") {
    if (v.startsWith("${", i)) {
      const inner = substitutionEnd(v, i);
      if (inner < 0) return -1;
      i = inner;
    } else if (v[i] === "{") return -1;
    else i++;
  }
  return v[i] === "}" ? i + 1 : -1;
}
