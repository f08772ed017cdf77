import { defineConfig } from "vitest/config";

// Unit tests of the non-visual logic (API client, formatting, rights, paths, texts): `npm test`, part of
// `npm run check`. Plain Node (no DOM): fetch and XMLHttpRequest are faked per test, never the network.
// A time zone west of UTC, with a daylight-saving change, so a date shifted by a UTC parse shows up.
process.env.TZ = "America/New_York";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    restoreMocks: true,
    unstubGlobals: true,
  },
});
