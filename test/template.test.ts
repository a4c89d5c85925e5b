import { describe, expect, it } from "vitest";
import { compileTemplate, renderTemplate, TemplateError } from "../src/template/index.js";

const data = {
  vars: { stage: "prod", n: 3, zones: ["a", "b"], tags: { team: "platform", env: "prod" }, empty: "" },
  atmos_component: "vpc",
  atmos_stack: "acme-prod",
};
const r = (src: string) => renderTemplate(src, data, { env: { HOME: "/home/ops" } });

describe("Go text/template subset", () => {
  it.each([
    ["{{ .vars.stage }}-{{ .atmos_component }}", "prod-vpc"],
    ['{{ .vars.stage | upper | printf "%s!" }}', "PROD!"],
    ['{{ if eq .vars.stage "prod" }}P{{ else if eq .vars.stage "dev" }}D{{ else }}?{{ end }}', "P"],
    ["{{ range $i, $z := .vars.zones }}{{ $i }}:{{ $z }} {{ end }}", "0:a 1:b "],
    ["{{ range .vars.zones }}[{{ . }}]{{ else }}none{{ end }}", "[a][b]"],
    ["{{ range .vars.missing }}x{{ else }}none{{ end }}", "none"],
    ["{{ range $k, $v := .vars.tags }}{{ $k }}={{ $v }};{{ end }}", "env=prod;team=platform;"],
    ["{{ with .vars.tags }}{{ .team }}{{ end }}", "platform"],
    ["{{ with .vars.empty }}x{{ else }}empty{{ end }}", "empty"],
    ['{{ $x := "a" }}{{ $x = "b" }}{{ $x }}', "b"],
    ['{{ (index .vars.zones 1) }}-{{ index .vars.tags "team" }}', "b-platform"],
    ["{{ len .vars.zones }} {{ len .vars.stage }}", "2 4"],
    ['{{ and .vars.n .vars.stage }} {{ or .vars.empty "x" }} {{ not .vars.n }}', "prod x false"],
    [
      "{{ lt 1 2 }} {{ le 2 2 }} {{ gt .vars.n 5 }} {{ ge .vars.n 3 }} {{ ne .vars.n 3 }}",
      "true true false true false",
    ],
    ['{{ print "a" 1 2 "b" }}', "a1 2b"],
    ['{{ printf "%s-%03d-%v-%q-%t" "x" 7 .vars.zones "q" true }}', 'x-007-[a b]-"q"-true'],
    ["{{ .vars.tags }}", "map[env:prod team:platform]"],
    ["{{ .vars.nothing }}", "<no value>"],
    ["a  {{- .vars.stage -}}  b", "aprodb"],
    ["{{/* a comment */}}x", "x"],
    ['{{ default "d" .vars.empty }} {{ default "d" .vars.stage }}', "d prod"],
    ['{{ coalesce .vars.empty "" "c" }} {{ empty .vars.empty }}', "c true"],
    ['{{ "Hello world" | lower | title }} {{ trim "  x  " }}', "Hello World x"],
    [
      '{{ trimPrefix "v" "v1.2" }} {{ trimSuffix ".yaml" "a.yaml" }} {{ replace "-" "_" "a-b-c" }}',
      "1.2 a a_b_c",
    ],
    [
      '{{ contains "od" .vars.stage }} {{ hasPrefix "pr" .vars.stage }} {{ hasSuffix "x" .vars.stage }}',
      "true true false",
    ],
    ['{{ (split "-" "a-b-c")._2 }} {{ join "," .vars.zones }} {{ list 1 "a" | toJson }}', 'c a,b [1,"a"]'],
    ['{{ dict "a" 1 "b" (list 2 3) | toJson }}', '{"a":1,"b":[2,3]}'],
    ["{{ .vars.tags | toYaml }}", "team: platform\nenv: prod"],
    ['{{ quote .vars.stage }} {{ squote .vars.stage }} {{ env "HOME" }}', "\"prod\" 'prod' /home/ops"],
    ['{{ required "stage is needed" .vars.stage }}', "prod"],
  ])("%s", (src, want) => {
    expect(r(src)).toBe(want);
  });

  it.each([
    ["{{ .vars.stage | shout }}", 'function "shout" not defined', 1],
    ["line1\n{{ if .vars.n }}", "unclosed {{if}}: missing {{end}}", 2],
    ["{{ .vars.missing.deeper }}", "nil pointer evaluating interface {}.deeper", 1],
    ['a\nb\n{{ required "stage is needed" .vars.nope }}', "error calling required: stage is needed", 3],
    ["{{ $undefined }}", 'undefined variable "$undefined"', 1],
    ["{{ end }}", "unexpected {{end}}", 1],
    ['{{ define "x" }}{{ end }}', "{{define}} is not supported by slipway templates", 1],
    ["{{ .vars.stage", "unclosed action", 1],
    ['{{ fail "stop here" }}', "error calling fail: stop here", 1],
  ])("%s fails with its line", (src, message, line) => {
    let err: unknown;
    try {
      r(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe(message);
    expect((err as TemplateError).line).toBe(line);
  });

  it("compiles once and executes against different data", () => {
    const t = compileTemplate("{{ .name }}");
    expect([t.execute({ name: "a" }), t.execute({ name: "b" })]).toEqual(["a", "b"]);
  });
});

// What Atmos cannot be asked through a stack (test/gomplate-parity.test.ts compares everything it can).
describe("gomplate functions: the cases the differential test cannot reach", () => {
  it.each([
    // Atmos re-reads its rendered YAML, where a `'` or a line break in the output breaks or folds it.
    ['{{ strings.Squote "it\'s" }}', "'it''s'"],
    ['{{ strings.ShellQuote "it\'s" }}', `'it'"'"'s'`],
    ['{{ strings.Indent 2 "a\\n\\nb" }}', "  a\n\n  b"],
    ["{{ data.ToYAML .vars.tags }}", "env: prod\nteam: platform\n"],
    ['{{ strings.WordWrap 3 "abc defg h" }}', "abc\ndefg\nh"],
    ['{{ (coll.Merge (coll.Dict "a" 1) .vars.tags).a }}', "1"],
  ])("%s", (src, want) => {
    expect(r(src)).toBe(want);
  });

  it("refuses, naming why, what gomplate v3 gets wrong or slipway does not offer", () => {
    expect(() => r("{{ strings.ShellQuote .vars.zones }}")).toThrow(/<interface \{\} Value>/);
    expect(() => r("{{ time.Now }}")).toThrow('function "time.Now" not defined');
    expect(() => r("{{ strings.Nope .vars.stage }}")).toThrow('function "strings.Nope" not defined');
    expect(() => r('{{ env.Getenv "HOME" }}')).toThrow('env.Getenv: "env" is a function, not a namespace');
    expect(() => r("{{ print.Foo }}")).toThrow('"print" is a function, not a namespace');
    expect(() => r("{{ math.Mul 4294967296 4294967296 }}")).toThrow(/beyond what slipway computes exactly/);
  });

  it("a template's own functions come before gomplate's, which stay shared", () => {
    const mine = compileTemplate('{{ strings.Title "x" }}', { funcs: { "strings.Title": () => "mine" } });
    expect(mine.execute({})).toBe("mine");
    expect(r('{{ strings.Title "x" }}')).toBe("X");
  });
});
