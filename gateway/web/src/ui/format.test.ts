import { describe, expect, it } from "vitest";
import { daysUntil, formatBytes, formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

// Intl puts a no-break space (U+00A0) or narrow no-break space (U+202F) where a reader sees a space
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("numbers", () => {
  it("groups thousands the German and the English way", () => {
    expect(formatNumber("de", 1234567)).toBe("1.234.567");
    expect(formatNumber("en", 1234567)).toBe("1,234,567");
    expect(formatNumber("de", 0.5)).toBe("0,5");
  });

  it("shows a missing number as 0", () => {
    expect(formatNumber("de", null)).toBe("0");
    expect(formatNumber("en", undefined)).toBe("0");
  });
});

describe("money (euro cents)", () => {
  it("formats cents as euros in German and English", () => {
    expect(plain(formatMoney("de", 123456))).toBe("1.234,56 €");
    expect(plain(formatMoney("en", 123456))).toBe("€1,234.56");
  });

  it("keeps the cents of small and negative amounts (credit notes)", () => {
    expect(plain(formatMoney("de", 5))).toBe("0,05 €");
    expect(plain(formatMoney("de", -1999))).toBe("-19,99 €");
    expect(plain(formatMoney("en", -1999))).toBe("-€19.99");
  });

  it("shows a missing amount as zero euros", () => {
    expect(plain(formatMoney("de", null))).toBe("0,00 €");
  });
});

describe("bytes (binary multiples)", () => {
  it("counts in 1024s and keeps one decimal above bytes", () => {
    expect(formatBytes("de", 0)).toBe("0 B");
    expect(formatBytes("de", 1023)).toBe("1.023 B");
    expect(formatBytes("de", 1536)).toBe("1,5 KB");
    expect(formatBytes("en", 1536)).toBe("1.5 KB");
    expect(formatBytes("en", 5 * 1024 ** 3)).toBe("5 GB");
    expect(formatBytes("en", null)).toBe("0 B");
  });

  it("stops at TB", () => {
    expect(formatBytes("en", 2048 * 1024 ** 4)).toBe("2,048 TB");
  });
});

describe("dates", () => {
  it("shows a date the German and the English way", () => {
    expect(formatDate("de", "2026-03-05")).toBe("05.03.2026");
    expect(formatDate("en", "2026-03-05")).toBe("05/03/2026");
  });

  it("keeps a date-only value on its day west of UTC (no UTC parse)", () => {
    // the tests run in America/New_York: parsed as UTC midnight, 2026-01-01 would be 31 December 2025
    expect(formatDate("de", "2026-01-01")).toBe("01.01.2026");
  });

  it("shows a missing date as a dash and an unreadable one as given", () => {
    expect(formatDate("de", null)).toBe("–");
    expect(formatDate("de", "")).toBe("–");
    expect(formatDate("en", "not a date")).toBe("not a date");
    expect(formatDateTime("en", undefined)).toBe("–");
    expect(formatDateTime("de", "kaputt")).toBe("kaputt");
  });

  it("shows a moment in the reader's time zone with date and time", () => {
    // 14:30 UTC is 09:30 in New York (standard time in January)
    expect(plain(formatDateTime("de", "2026-01-15T14:30:00Z"))).toBe("15.01.2026, 09:30");
    expect(plain(formatDateTime("en", "2026-01-15T14:30:00Z"))).toBe("15 Jan 2026, 09:30");
  });
});

describe("daysUntil", () => {
  const today = new Date(2026, 2, 5, 18, 45);   // 5 March 2026, evening (local time)

  it("counts the end day itself", () => {
    expect(daysUntil("2026-03-05", today)).toBe(1);
    expect(daysUntil("2026-03-06", today)).toBe(2);
    expect(daysUntil("2026-03-04", today)).toBe(0);
  });

  it("stays whole across a daylight-saving change", () => {
    // New York moves its clocks on 8 March 2026: that day has 23 hours
    expect(daysUntil("2026-03-31", today)).toBe(27);
    expect(daysUntil("2026-04-04", today)).toBe(31);
  });
});
