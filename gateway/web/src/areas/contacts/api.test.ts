import { describe, expect, it } from "vitest";
import { cleanFilter, displayName, pick, splitTags } from "./api";

describe("contact helpers", () => {
  it("picks a two-language text in the language on screen, else the other", () => {
    expect(pick("en", { de: "Presse", en: "Press" })).toBe("Press");
    expect(pick("en", { de: "Presse" })).toBe("Presse");
    expect(pick("de", "plain")).toBe("plain");
    expect(pick("de", null)).toBe("");
  });

  it("names a person by title and names, an organisation by its name, nothing as a dash", () => {
    expect(displayName({ kind: "person", title: "Dr.", first_name: "Anna", last_name: "Müller", org_name: "" })).toBe("Dr. Anna Müller");
    expect(displayName({ kind: "person", title: "", first_name: "", last_name: "Müller", org_name: "Presse AG" })).toBe("Müller");
    expect(displayName({ kind: "organisation", title: "", first_name: "Anna", last_name: "", org_name: "Presse AG" })).toBe("Presse AG");
    expect(displayName({ kind: "person", title: "", first_name: "", last_name: "", org_name: "" })).toBe("–");
  });

  it("drops the empty parts of a filter and splits tags", () => {
    expect(cleanFilter({ q: "", city: "Berlin", tags: [], country: undefined, has_email: false })).toEqual({ city: "Berlin", has_email: false });
    expect(splitTags(" presse, tech;;  ")).toEqual(["presse", "tech"]);
  });
});
