/**
 * Every text of every area (and common.ts) exists in German and English with the same placeholders, and a counted
 * text has both plural forms in both languages.
 */
import { describe, expect, it } from "vitest";
import { areas } from "../areas";
import { common } from "./common";
import { translate, type Message, type Messages } from "./index";

const catalogues: [string, { de: Messages; en: Messages }][] = [
  ["common", common],
  ...areas.map((area): [string, { de: Messages; en: Messages }] => [area.id, area.messages]),
];

function placeholders(message: Message): string[] {
  const texts = typeof message === "string" ? [message] : [message.one, message.other];
  const names = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/\{(\w+)\}/g)) names.add(m[1]);
  return [...names].sort();
}

function problems(name: string, messages: { de: Messages; en: Messages }): string[] {
  const found: string[] = [];
  const keys = new Set([...Object.keys(messages.de), ...Object.keys(messages.en)]);
  for (const key of keys) {
    const de = messages.de[key];
    const en = messages.en[key];
    if (de === undefined || en === undefined) {
      found.push(`${name}: ${key} has no ${de === undefined ? "German" : "English"} text`);
      continue;
    }
    for (const [lang, message] of [["de", de], ["en", en]] as const) {
      const forms = typeof message === "string" ? [message] : [message.one, message.other];
      if (forms.some((form) => typeof form !== "string" || form.trim() === "")) {
        found.push(`${name}: ${key} (${lang}) is empty or lacks a plural form`);
      }
    }
    if ((typeof de === "string") !== (typeof en === "string")) {
      found.push(`${name}: ${key} counts in one language only (give both languages one and other)`);
    }
    if (placeholders(de).join() !== placeholders(en).join()) {
      found.push(`${name}: ${key} placeholders differ: de {${placeholders(de)}} en {${placeholders(en)}}`);
    }
  }
  return found;
}

describe("message catalogues", () => {
  it("finds every area", () => {
    expect(areas.map((a) => a.id)).toEqual(expect.arrayContaining(["contacts", "mailings", "pressbase", "home"]));
  });

  it.each(catalogues)("%s: every key in both languages, same placeholders, plural forms complete", (name, messages) => {
    expect(problems(name, messages)).toEqual([]);
  });

  it("catches a missing language, a missing plural form and differing placeholders", () => {
    const broken = {
      de: { "x.a": "A", "x.b": { one: "{n} Tag", other: "" }, "x.c": "{name}", "x.d": "{n} Tage" } as Messages,
      en: { "x.b": { one: "{n} day", other: "{n} days" }, "x.c": "{who}", "x.d": { one: "{n} day", other: "{n} days" } },
    };
    expect(problems("x", broken)).toEqual([
      "x: x.a has no English text",
      "x: x.b (de) is empty or lacks a plural form",
      "x: x.c placeholders differ: de {name} en {who}",
      "x: x.d counts in one language only (give both languages one and other)",
    ]);
  });

  it("picks the plural form by the language's rule", () => {
    for (const n of [0, 1, 2, 21]) {
      expect(translate("de", "home.daysLeft", { n, date: "1.1." })).toBe(
        `Noch ${n} ${n === 1 ? "Tag" : "Tage"} (bis 1.1.)`,
      );
      expect(translate("en", "home.daysLeft", { n, date: "1 Jan" })).toBe(
        `${n} ${n === 1 ? "day" : "days"} left (until 1 Jan)`,
      );
    }
    expect(translate("de", "pressbase.ff.inDays", { n: 1 })).toBe("in 1 Tag");
    expect(translate("de", "pressbase.ff.inDays", { n: 3 })).toBe("in 3 Tagen");
    expect(translate("en", "contacts.shown", { n: 1 })).toBe("1 contact");
    // a formatted number ("1.000") is not the count: callers pass the raw count beside it
    expect(translate("de", "lists.members", { n: "1.000", count: 1000 })).toBe("1.000 Mitglieder");
    expect(translate("de", "lists.members", { n: "1", count: 1 })).toBe("1 Mitglied");
  });
});
