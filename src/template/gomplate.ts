import type { TemplateFunc } from "./functions.js";
import { collFunctions } from "./gomplate-coll.js";
import { dataFunctions } from "./gomplate-data.js";
import { convFunctions } from "./gomplate-conv.js";
import { pathFunctions } from "./gomplate-paths.js";
import { mathFunctions, testFunctions } from "./gomplate-math.js";
import { regexpFunctions } from "./gomplate-regexp.js";
import { stringsFunctions } from "./gomplate-strings.js";

/**
 * gomplate's namespaces that Atmos offers and slipway implements, each `namespace.Function`. The rest of
 * gomplate (datasources, `file`, `time`, `random`, `uuid`, `net`, `sockaddr`, `aws`, `gcp`, crypto beyond
 * hashes) reads the outside world or is not deterministic; those stay an error at their place.
 */
const PURE: Record<string, TemplateFunc> = Object.assign(
  Object.create(null) as Record<string, TemplateFunc>,
  {
    ...stringsFunctions(),
    ...convFunctions(),
    ...collFunctions(),
    ...dataFunctions(),
    ...mathFunctions(),
    ...testFunctions(),
    ...regexpFunctions(),
    ...pathFunctions(),
  },
);

/** The gomplate functions slipway implements, keyed `namespace.Function`, with no prototype. */
export function gomplateFunctions(): Record<string, TemplateFunc> {
  return PURE;
}

/** gomplate's namespaces, implemented or not: `strings.Nope` is then named as a gomplate function. */
export const GOMPLATE_NAMESPACES: ReadonlySet<string> = new Set(
  "strings conv coll data math test env path filepath regexp base64 crypto sockaddr file net time aws gcp random uuid".split(
    " ",
  ),
);

/** The namespaces slipway implements (each in part: the functions listed in the README). */
export const GOMPLATE_IMPLEMENTED: ReadonlySet<string> = new Set(
  "strings conv coll data math test path filepath regexp base64 crypto".split(" "),
);
