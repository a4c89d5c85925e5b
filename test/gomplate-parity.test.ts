// Differential test of gomplate's template functions: the real Atmos (which embeds gomplate v3) and slipway
// render the same expressions in one stack, and `describe component` must give the same vars. Error cases
// must fail in both, and slipway's error must name the place and say what gomplate says.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./helpers.js";
import { havePeers, peer } from "./peers.js";

const ready = havePeers("gomplate functions against Atmos (test/gomplate-parity.test.ts)", "atmos");
const bin = join(repoRoot, "bin", "slipway.js");

/** The data the expressions read, as `.vars.<name>`. */
const INPUTS = {
  s: "Hello World",
  path: "a/b/c.tar.gz",
  n: 7,
  f: 2.5,
  neg: -3,
  list: [3, 1, 2, 1],
  words: ["b", "a", "c"],
  nested: [1, [2, [3, 4]], 5],
  m: { b: 2, a: 1, inner: { x: "y" } },
  other: { a: 10, c: 3, inner: { z: "w" } },
  json: '{"name": "app", "ports": [80, 443], "tags": {"team": "core"}}',
  yaml: "name: app\nreplicas: 3\n",
  jarr: "[1, 2, 3]",
  empty: "",
  yes: "yes",
  comma: "1,234",
  hex: "0x1F",
  b64: "aGVsbG8gd29ybGQ=",
  env: "prod",
  apos: "it's",
  rev: [1, 2, 3],
  lines: "line1\n\nline3",
  tricky: {
    a: "yes",
    b: "1.0",
    c: "",
    d: "on",
    e: "null",
    f: "x: y",
    g: "multi\nline",
    h: "~",
    i: "0755",
    j: true,
  },
  yaml11: "a: yes\nb: 0755\nc: 1_000\n",
  q: "'",
};

/** Expressions that render in both; the name is the key in `vars.out`. */
const CASES: Record<string, string> = {
  // strings
  title: '{{ strings.Title "hello wORLD app-config foo_bar it\'s x.y 123abc" }}',
  title_pipe: "{{ .vars.s | strings.Title }}",
  upper: "{{ strings.ToUpper .vars.s }}",
  lower: "{{ .vars.s | strings.ToLower }}",
  // No tab: Atmos would write the template double-quoted, `\t` escaped, and the function would see `\`, `t`.
  trim_space: '{{ strings.TrimSpace "  padded  " }}',
  trim: '{{ strings.Trim "-_" "--x_y--" }}',
  trim_prefix: '{{ .vars.path | strings.TrimPrefix "a/" }}',
  trim_suffix: '{{ .vars.path | strings.TrimSuffix ".gz" }}',
  trim_suffix_miss: '{{ .vars.path | strings.TrimSuffix ".zip" }}',
  contains: '{{ strings.Contains "World" .vars.s }}',
  has_prefix: '{{ strings.HasPrefix "Hell" .vars.s }}',
  has_suffix: '{{ strings.HasSuffix "x" .vars.s }}',
  replace_all: '{{ strings.ReplaceAll "/" "-" .vars.path }}',
  replace_all_num: '{{ strings.ReplaceAll "7" "seven" .vars.n }}',
  quote: "{{ .vars.s | strings.Quote }}",
  quote_escapes: "{{ strings.Quote `back\\slash` }}",
  quote_num: "{{ strings.Quote .vars.n }}",
  repeat: '{{ strings.Repeat 3 "ab" }}',
  split: '{{ strings.Split "/" .vars.path }}',
  split_index: '{{ index (strings.Split "/" .vars.path) 1 }}',
  split_n: '{{ strings.SplitN "/" 2 .vars.path }}',
  split_empty: '{{ strings.Split "" "abc" }}',
  trunc: "{{ strings.Trunc 5 .vars.s }}",
  trunc_long: "{{ strings.Trunc 50 .vars.s }}",
  abbrev: '{{ strings.Abbrev 8 "Now is the time for all good men" }}',
  abbrev_offset: '{{ strings.Abbrev 5 10 "Now is the time for all good men" }}',
  indent: '{{ strings.Indent 2 "-" "a" }}',
  indent_one: '{{ strings.Indent "a" }}',
  indent_lines: "{{ strings.Indent 2 .vars.lines | base64.Encode }}",
  word_wrap_width: '{{ strings.WordWrap 10 "the quick brown fox jumps" | base64.Encode }}',
  slug: '{{ strings.Slug "Hello, World & Friends!" }}',
  snake: '{{ strings.SnakeCase "Hello World-Foo bar" }}',
  kebab: '{{ strings.KebabCase "Hello World_Foo bar" }}',
  camel: '{{ strings.CamelCase "hello world-foo bar" }}',
  camel_upper: '{{ strings.CamelCase "Hello world" }}',
  // Atmos renders the YAML text of the component and re-reads it, so a `'` in a template or its output
  // breaks the single-quoted scalar it sits in: the quotes come from the data and are made visible here.
  squote: '{{ strings.Squote .vars.apos | strings.ReplaceAll .vars.q "Q" }}',
  shell_quote: '{{ strings.ShellQuote .vars.apos | strings.ReplaceAll .vars.q "Q" }}',
  word_wrap: '{{ strings.WordWrap 5 "," "the quick brown fox" }}',
  word_wrap_long: '{{ strings.WordWrap 3 "," "a verylongword b" }}',
  rune_count: '{{ strings.RuneCount "héllo" "x" }}',
  sort: "{{ strings.Sort .vars.words }}",
  // conv
  to_string: "{{ conv.ToString .vars.n }}",
  to_string_list: "{{ conv.ToString .vars.list }}",
  to_string_map: "{{ conv.ToString .vars.m }}",
  to_int: '{{ conv.ToInt "42" }}',
  to_int_float: "{{ conv.ToInt .vars.f }}",
  to_int_comma: "{{ conv.ToInt64 .vars.comma }}",
  to_int_hex: "{{ conv.ToInt .vars.hex }}",
  to_int_bad: '{{ conv.ToInt "nope" }}',
  to_float: '{{ conv.ToFloat64 "3.25" }}',
  to_bool_yes: "{{ conv.ToBool .vars.yes }}",
  to_bool_one: "{{ conv.ToBool 1 }}",
  to_bool_no: '{{ conv.ToBool "nope" }}',
  bool: '{{ conv.Bool "true" }}',
  bool_bad: '{{ conv.Bool "yes" }}',
  default_empty: '{{ conv.Default "fallback" .vars.empty }}',
  default_set: '{{ conv.Default "fallback" .vars.s }}',
  join: '{{ conv.Join .vars.words "," }}',
  join_nums: '{{ conv.Join .vars.list "-" }}',
  has_map: '{{ conv.Has .vars.m "a" }}',
  to_strings: "{{ conv.ToStrings 1 true .vars.s }}",
  atoi: '{{ conv.Atoi "12" }}',
  parse_int: '{{ conv.ParseInt "ff" 16 64 }}',
  parse_float: '{{ conv.ParseFloat "1.5" 64 }}',
  // coll
  dict: '{{ coll.Dict "a" 1 "b" "two" }}',
  dict_odd: '{{ coll.Dict "a" 1 "b" }}',
  slice: '{{ coll.Slice 1 "a" true }}',
  has: '{{ coll.Has .vars.m "inner" }}',
  has_list: '{{ coll.Has .vars.words "a" }}',
  keys: "{{ coll.Keys .vars.m }}",
  keys_two: "{{ coll.Keys .vars.m .vars.other }}",
  values: "{{ coll.Values .vars.other }}",
  append: "{{ coll.Append 9 .vars.list }}",
  prepend: "{{ coll.Prepend 0 .vars.list }}",
  uniq: "{{ coll.Uniq .vars.list }}",
  // gomplate reverses the list in place, which later templates of the component then see: a list of its own.
  reverse: "{{ coll.Reverse .vars.rev }}",
  sort_list: "{{ coll.Sort .vars.list }}",
  sort_words: "{{ coll.Sort .vars.words }}",
  flatten: "{{ coll.Flatten .vars.nested }}",
  flatten_depth: "{{ coll.Flatten 1 .vars.nested }}",
  merge: "{{ coll.Merge .vars.m .vars.other }}",
  merge_json: "{{ coll.Merge .vars.m .vars.other | data.ToJSON }}",
  pick: '{{ coll.Pick "a" "b" .vars.m }}',
  omit: '{{ coll.Omit "inner" .vars.m }}',
  // data
  json_field: "{{ (data.JSON .vars.json).name }}",
  json_nested: "{{ (data.JSON .vars.json).tags.team }}",
  json_list: "{{ index (data.JSON .vars.json).ports 1 }}",
  yaml_field: "{{ (data.YAML .vars.yaml).replicas }}",
  json_array: "{{ data.JSONArray .vars.jarr }}",
  to_json: "{{ data.ToJSON .vars.m }}",
  to_json_list: "{{ data.ToJSON .vars.words }}",
  to_json_string: "{{ data.ToJSON .vars.s }}",
  to_json_html: '{{ data.ToJSON "<a&b>" }}',
  to_json_float: "{{ data.ToJSON (math.Div 5 2) }}",
  // In base64, as every output with a line break, quotes or `: `: Atmos renders the YAML text of the
  // component and re-reads it, where such output folds its lines or breaks the scalar it sits in.
  to_json_pretty: '{{ data.ToJSONPretty "  " .vars.m | base64.Encode }}',
  to_yaml: "{{ data.ToYAML .vars.m | base64.Encode }}",
  to_yaml_tricky: "{{ data.ToYAML .vars.tricky | base64.Encode }}",
  yaml_yes:
    "{{ (data.YAML .vars.yaml11).a }}|{{ (data.YAML .vars.yaml11).b }}|{{ (data.YAML .vars.yaml11).c }}",
  yaml_array: '{{ data.YAMLArray "[a, 1]" }}',
  // math
  add: "{{ math.Add 1 2 .vars.n }}",
  add_float: "{{ math.Add 1 .vars.f }}",
  add_strings: '{{ math.Add "1" "2" }}',
  sub: "{{ math.Sub 10 .vars.n }}",
  mul: "{{ math.Mul 2 3 4 }}",
  mul_big: "{{ math.Mul 1000000 1000000 }}",
  div_third: "{{ math.Div 1 3 }}",
  div: "{{ math.Div 7 2 }}",
  div_whole: "{{ math.Div 8 2 }}",
  rem: "{{ math.Rem 7 3 }}",
  pow: "{{ math.Pow 2 10 }}",
  max: "{{ math.Max 1 9 .vars.n }}",
  min: "{{ math.Min 4 .vars.neg 2 }}",
  max_float: "{{ math.Max 1 .vars.f }}",
  ceil: "{{ math.Ceil .vars.f }}",
  floor: "{{ math.Floor .vars.f }}",
  round: "{{ math.Round .vars.f }}",
  round_neg: "{{ math.Round -2.5 }}",
  abs: "{{ math.Abs .vars.neg }}",
  seq: "{{ math.Seq 5 }}",
  seq_range: "{{ math.Seq 2 10 3 }}",
  seq_down: "{{ math.Seq 5 1 }}",
  is_int: "{{ math.IsInt .vars.n }}",
  is_int_str: '{{ math.IsInt "42" }}',
  is_float: "{{ math.IsFloat .vars.f }}",
  is_num: '{{ math.IsNum "x" }}',
  range_seq: "{{ range math.Seq 3 }}{{ . }};{{ end }}",
  // test
  ternary: '{{ test.Ternary "yes" "no" (eq .vars.env "prod") }}',
  ternary_pipe: '{{ eq .vars.env "dev" | test.Ternary "yes" "no" }}',
  required: '{{ test.Required "need s" .vars.s }}',
  assert: '{{ test.Assert "positive" (gt .vars.n 0) }}ok',
  kind: "{{ test.Kind .vars.m }}|{{ test.Kind .vars.list }}|{{ test.Kind .vars.s }}|{{ test.Kind .vars.n }}",
  is_kind: '{{ test.IsKind "number" .vars.n }}',
  // regexp
  re_match: '{{ regexp.Match "^H.*d$" .vars.s }}',
  re_find: '{{ regexp.Find "[a-z]+" .vars.s }}',
  re_find_all: '{{ regexp.FindAll "[aeiou]" .vars.s }}',
  re_find_all_n: '{{ regexp.FindAll "[aeiou]" 2 .vars.s }}',
  re_replace: "{{ regexp.Replace `(\\w+) (\\w+)` `$2 $1` .vars.s }}",
  re_replace_literal: "{{ .vars.path | regexp.ReplaceLiteral `\\W` `-` }}",
  re_split: '{{ regexp.Split "[/.]" .vars.path }}',
  re_quote_meta: '{{ regexp.QuoteMeta "a.b*c" }}',
  // path, filepath
  path_base: "{{ path.Base .vars.path }}",
  path_dir: "{{ path.Dir .vars.path }}",
  path_ext: "{{ path.Ext .vars.path }}",
  path_join: '{{ path.Join "a" "b/../c" "d" }}',
  path_clean: '{{ path.Clean "/a//b/./c/.." }}',
  path_match: '{{ path.Match "a/*/c.*" .vars.path }}',
  path_split: "{{ path.Split .vars.path }}",
  path_is_abs: "{{ path.IsAbs .vars.path }}",
  filepath_join: '{{ filepath.Join "x" .vars.env "y.txt" }}',
  filepath_rel: '{{ filepath.Rel "/a/b" "/a/c/d" }}',
  // base64, crypto
  b64_encode: '{{ base64.Encode "hello world" }}',
  b64_decode: "{{ base64.Decode .vars.b64 }}",
  sha1: '{{ crypto.SHA1 "abc" }}',
  sha256: "{{ crypto.SHA256 .vars.s }}",
  sha512: '{{ crypto.SHA512 "abc" }}',
  // edges
  re_case: '{{ regexp.Match "(?i)^hello" .vars.s }}',
  re_named: "{{ regexp.Replace `(?P<first>\\w+) (?P<second>\\w+)` `${second}-${first}` .vars.s }}",
  re_empty_matches: '{{ regexp.Replace "a*" "-" "baaac" }}',
  re_split_n: '{{ regexp.Split "/" 2 .vars.path }}',
  slug_accents: '{{ strings.Slug "Crème Brûlée à la mode" }}',
  base_root:
    '{{ path.Base "/" }}|{{ path.Base "" }}|{{ path.Dir "a" }}|{{ path.Dir "/a/b/" }}|{{ path.Ext ".bashrc" }}',
  clean_rel: '{{ path.Clean "../a/./b/../c/" }}|{{ filepath.Rel "a" "a/b/c" }}',
  to_bool_num: '{{ conv.ToBool 2 }}|{{ conv.ToBool "1.0" }}|{{ conv.ToBool "T" }}',
  to_int_str_float:
    '{{ conv.ToInt "3.9" }}|{{ conv.ToInt "-3.9" }}|{{ conv.ToInt64 "0o17" }}|{{ conv.ToInt "010" }}',
  is_float_str:
    '{{ math.IsFloat "1.5" }}|{{ math.IsFloat "1" }}|{{ math.IsInt "0x10" }}|{{ math.IsNum "1e3" }}',
  add_str_float: '{{ math.Add "1.5" 1 }}|{{ math.Sub 1 "0.5" }}|{{ math.Pow 2.5 2 }}|{{ math.Pow 2 0.5 }}',
  abs_str: '{{ math.Abs "-4" }}|{{ math.Abs -1.5 }}|{{ math.Rem -7 3 }}',
  seq_step: "{{ math.Seq 1 10 4 }}|{{ math.Seq 0 }}|{{ math.Seq -2 2 }}",
  title_unicode: '{{ strings.Title "élan vital ÉCOLE" }}',
  trunc_bytes: '{{ strings.Trunc 3 "héllo" | base64.Encode }}',
  sort_mixed: '{{ coll.Sort (coll.Slice 3 "a" 1) }}',
  sort_key:
    '{{ range coll.Sort "n" (coll.Slice (coll.Dict "n" 2 "v" "b") (coll.Dict "n" 1 "v" "a")) }}{{ .v }}{{ end }}',
  uniq_maps: "{{ coll.Uniq (coll.Slice .vars.m .vars.m .vars.other) | len }}",
  has_missing: '{{ coll.Has .vars.m "zzz" }}|{{ conv.Has .vars.words "a" }}',
  quote_unicode: '{{ strings.Quote "naïve ☃" }}',
  camel_digits: '{{ strings.CamelCase "foo 2bar_baz" }}|{{ strings.SnakeCase "FooBar baz" }}',
  // gomplate and Sprig together, as Atmos offers them
  mixed: '{{ .vars.s | lower | strings.ReplaceAll " " "-" | upper }}',
};

/** Expressions both tools must refuse; slipway's message must hold gomplate's words (the second item). */
const ERRORS: Record<string, [expr: string, says: string, slipwaySays?: string]> = {
  repeat_negative: ['{{ strings.Repeat -1 "x" }}', "negative count -1"],
  div_zero: ["{{ math.Div 1 0 }}", "division by 0"],
  fail: ['{{ test.Fail "stop here" }}', "template generation failed: stop here"],
  assert: ['{{ test.Assert "must be big" (gt .vars.n 100) }}', "assertion failed: must be big"],
  required: ['{{ test.Required "empty is wrong" .vars.empty }}', "empty is wrong"],
  replace_all_type: ['{{ strings.ReplaceAll 1 "x" .vars.s }}', "expected string"],
  trunc_type: ['{{ strings.Trunc "3" .vars.s }}', "expected int"],
  has_int_key: ["{{ coll.Has .vars.list 3 }}", "expected string"],
  keys_type: ["{{ coll.Keys .vars.list }}", "expected map[string]interface {}"],
  json_bad: ['{{ data.JSON "[1, 2]" }}', "Unable to unmarshal object"],
  unknown_function: ["{{ strings.Nope .vars.s }}", "Nope"],
  // Sprig's `env` function hides gomplate's `env` namespace, in Atmos as in slipway.
  env_namespace: ['{{ env.Getenv "HOME" }}', "for env: want 1 got 0", '"env" is a function, not a namespace'],
};

const ENV = { GOMPLATE_PARITY: "from-env" };

function writeRepo(): string {
  const dir = join(tempDir(), "gomplate-parity");
  mkdirSync(join(dir, "stacks"), { recursive: true });
  writeFileSync(
    join(dir, "atmos.yaml"),
    [
      'base_path: "."',
      "components:",
      "  terraform:",
      "    base_path: components/terraform",
      "stacks:",
      "  base_path: stacks",
      '  included_paths: ["**/*"]',
      '  name_template: "{{ .vars.stage }}"',
      "templates:",
      "  settings:",
      "    enabled: true",
      "    sprig:",
      "      enabled: true",
      "    gomplate:",
      "      enabled: true",
      "",
    ].join("\n"),
  );
  const lines = ["vars:", "  stage: test", "components:", "  terraform:"];
  const component = (name: string, out: Record<string, string>) => {
    mkdirSync(join(dir, "components/terraform", name), { recursive: true });
    writeFileSync(join(dir, "components/terraform", name, "main.tf"), "");
    lines.push(`    ${name}:`, "      vars:");
    for (const [k, v] of Object.entries(INPUTS)) lines.push(`        ${k}: ${JSON.stringify(v)}`);
    lines.push("        out:");
    for (const [k, v] of Object.entries(out)) lines.push(`          ${k}: ${JSON.stringify(v)}`);
  };
  component("fns", CASES);
  for (const [k, [expr]] of Object.entries(ERRORS)) component(`err-${k.replace(/_/g, "-")}`, { [k]: expr });
  writeFileSync(join(dir, "stacks", "test.yaml"), lines.join("\n") + "\n");
  return dir;
}

function run(tool: "atmos" | "slipway", dir: string, component: string) {
  const args = ["describe", "component", component, "-s", "test", "--format", "json"];
  const env = { PATH: process.env.PATH, HOME: dir, ...ENV };
  const r =
    tool === "atmos"
      ? spawnSync(peer("atmos"), args, {
          cwd: dir,
          encoding: "utf8",
          env: { ...env, ATMOS_TELEMETRY_ENABLED: "false", ATMOS_VERSION_CHECK_ENABLED: "false" },
        })
      : spawnSync(process.execPath, [bin, ...args], {
          cwd: dir,
          encoding: "utf8",
          env: { ...env, SLIPWAY_CACHE: "off" },
        });
  return {
    status: r.status,
    stderr: r.stderr,
    out: r.status === 0 ? (JSON.parse(r.stdout) as { vars: { out: Record<string, unknown> } }) : undefined,
  };
}

describe.runIf(ready)("gomplate functions render as Atmos renders them", () => {
  const dir = ready ? writeRepo() : "";

  it(`${Object.keys(CASES).length} expressions give the same vars through both tools`, () => {
    const a = run("atmos", dir, "fns");
    const s = run("slipway", dir, "fns");
    expect(a.stderr && a.status !== 0 ? a.stderr : "").toBe("");
    expect(s.stderr && s.status !== 0 ? s.stderr : "").toBe("");
    const theirs = a.out!.vars.out;
    const ours = s.out!.vars.out;
    const differ = Object.keys(CASES)
      .filter((k) => JSON.stringify(theirs[k]) !== JSON.stringify(ours[k]))
      .map(
        (k) =>
          `${k}: ${CASES[k]}\n  atmos   ${JSON.stringify(theirs[k])}\n  slipway ${JSON.stringify(ours[k])}`,
      );
    expect(differ.join("\n")).toBe("");
    expect(Object.keys(ours).length).toBe(Object.keys(CASES).length);
  }, 60_000);

  for (const [k, [expr, says, slipwaySays]] of Object.entries(ERRORS)) {
    it(`refused by both, with its place and gomplate's words: ${expr}`, () => {
      const component = `err-${k.replace(/_/g, "-")}`;
      const a = run("atmos", dir, component);
      const s = run("slipway", dir, component);
      expect(a.status, `atmos renders ${expr}`).not.toBe(0);
      // Atmos wraps its messages to the terminal width.
      expect(a.stderr.replace(/\s+/g, " ")).toContain(says);
      expect(s.status, `slipway renders ${expr}`).toBe(1);
      expect(s.stderr).toContain(slipwaySays ?? says);
      expect(s.stderr).toMatch(/stacks\/test\.yaml:\d+:\d+: /);
    }, 60_000);
  }
});
