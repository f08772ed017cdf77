import { describe, expect, it } from "vitest";
import { formatAddress, mailingStateKind, parseAddressLine } from "./api";

describe("typed-in recipients", () => {
  it("reads 'Name <address>' with the last word as the last name", () => {
    expect(parseAddressLine('  "Anna Maria Müller" <anna@example.com> ')).toEqual({ email: "anna@example.com", first_name: "Anna Maria", last_name: "Müller" });
    expect(parseAddressLine("Müller <m@example.com>")).toEqual({ email: "m@example.com", last_name: "Müller" });
  });

  it("reads 'address; first; last' and a bare address, skips an empty line", () => {
    expect(parseAddressLine("anna@example.com; Anna; Müller")).toEqual({ email: "anna@example.com", first_name: "Anna", last_name: "Müller" });
    expect(parseAddressLine("anna@example.com")).toEqual({ email: "anna@example.com" });
    expect(parseAddressLine("   ")).toBeNull();
  });

  it("writes a recipient back as one line", () => {
    expect(formatAddress({ email: "anna@example.com", first_name: "Anna", last_name: "Müller" })).toBe("Anna Müller <anna@example.com>");
    expect(formatAddress({ email: "anna@example.com" })).toBe("anna@example.com");
    expect(parseAddressLine(formatAddress({ email: "a@example.com", first_name: "Jo", last_name: "Doe" }))).toEqual({ email: "a@example.com", first_name: "Jo", last_name: "Doe" });
  });

  it("colours a mailing's state, unknown states neutral", () => {
    expect(mailingStateKind("finished")).toBe("ok");
    expect(mailingStateKind("cancelled")).toBe("bad");
    expect(mailingStateKind("something-new")).toBe("neutral");
  });
});
