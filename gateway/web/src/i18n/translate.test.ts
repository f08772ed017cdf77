import { describe, expect, it } from "vitest";
import { hasMessage, normaliseLang, registerMessages, translate } from "./index";

registerMessages({
  de: { "test.greeting": "Hallo {name}, {name}!", "test.count": "{n} Kontakte", "test.onlyDe": "Nur deutsch" },
  en: { "test.greeting": "Hello {name}, {name}!", "test.count": "{n} contacts", "test.onlyEn": "English only" },
});

describe("translate", () => {
  it("gives the text in the language asked for, every {name} replaced", () => {
    expect(translate("de", "test.greeting", { name: "Anna" })).toBe("Hallo Anna, Anna!");
    expect(translate("en", "test.greeting", { name: "Anna" })).toBe("Hello Anna, Anna!");
    expect(translate("en", "test.count", { n: 3 })).toBe("3 contacts");
  });

  it("falls back to the other language, then to the key itself", () => {
    expect(translate("en", "test.onlyDe")).toBe("Nur deutsch");
    expect(translate("de", "test.onlyEn")).toBe("English only");
    expect(translate("de", "test.nowhere")).toBe("test.nowhere");
    expect(hasMessage("test.onlyEn")).toBe(true);
    expect(hasMessage("test.nowhere")).toBe(false);
  });

  it("has every shared (common) text in both languages", async () => {
    const { common } = await import("./common");
    expect(Object.keys(common.en).sort()).toEqual(Object.keys(common.de).sort());
  });
});

describe("normaliseLang", () => {
  it("maps browser and stored values to de or en, anything else to null", () => {
    expect(normaliseLang("de-AT")).toBe("de");
    expect(normaliseLang("EN-gb")).toBe("en");
    expect(normaliseLang("fr-FR")).toBeNull();
    expect(normaliseLang(null)).toBeNull();
  });
});
