import { describe, expect, it } from "vitest";
import { safeNext } from "./paths";

describe("safeNext (where to go after the login)", () => {
  it("keeps a path on this site with its query and fragment", () => {
    expect(safeNext("/crm/contacts?q=a#top", "/")).toBe("/crm/contacts?q=a#top");
    expect(safeNext("/", "/backoffice")).toBe("/");
  });

  it("falls back when there is nothing", () => {
    expect(safeNext(null, "/")).toBe("/");
    expect(safeNext("", "/backoffice")).toBe("/backoffice");
  });

  it("refuses other sites: absolute, protocol-relative, backslash, scripts", () => {
    for (const evil of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "evil.example"]) {
      expect(safeNext(evil, "/")).toBe("/");
    }
  });

  it("refuses control characters a URL parser would drop (\"/<TAB>/host\" is \"//host\")", () => {
    expect(safeNext("/\t/evil.example", "/")).toBe("/");
    expect(safeNext("/\n/evil.example", "/")).toBe("/");
    expect(safeNext("/a\u0000b", "/")).toBe("/");
  });
});
