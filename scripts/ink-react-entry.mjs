// The entry of dist/bundle/ink-react.mjs (scripts/bundle.mjs): Ink and React in one file.
export * as ink from "ink";
export * as react from "react";
