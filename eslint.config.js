// Lint: typescript-eslint's recommended rules plus the project's own bans (see STYLE.md).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import layers from "./scripts/eslint/layers.js";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/**", "coverage/**"] },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: "no focused tests",
        },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "only src/cli decides exit codes" },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { slipway: layers },
    rules: { "slipway/layers": "error" },
  },
);
