// ESLint (flat config) for the web app: `npm run lint`, part of `npm run check` and so of `make test`.
// Rule set: ESLint's recommended rules, typescript-eslint's recommended rules (syntax-only, no type information:
// the type checker is `tsc --noEmit`, a check of its own) and react-hooks' recommended rules (rules-of-hooks as an
// error, exhaustive-deps raised to an error), at zero findings.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/"] },
  // a disable comment that no longer suppresses anything is an error (the few kept ones say why after "--")
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2020, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "react-hooks/exhaustive-deps": "error",
      // "_"-prefixed names mark a deliberately unused argument or destructured rest ({ a, ...rest })
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["*.{js,ts}"],
    languageOptions: { globals: globals.node },
  },
);
