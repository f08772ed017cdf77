import { describe, expect, it } from "vitest";
import { canRead, canWrite, canWriteShared, rightOn, writableClients, type ClientRight } from "./rights";

// what GET /api/v1/clients gives a user with full right on "berlin", read right on "wien"; "zuerich" is hidden
const clients: ClientRight[] = [
  { id: "berlin", name: "Berlin", right: "full" },
  { id: "wien", name: "Wien", right: "read" },
];

describe("rights on a client", () => {
  it("full right: read and write", () => {
    expect(rightOn(clients, "berlin")).toBe("full");
    expect(canRead(clients, "berlin")).toBe(true);
    expect(canWrite(clients, "berlin")).toBe(true);
  });

  it("read-only: read, never write", () => {
    expect(rightOn(clients, "wien")).toBe("read");
    expect(canRead(clients, "wien")).toBe(true);
    expect(canWrite(clients, "wien")).toBe(false);
  });

  it("hidden (absent from the list): neither read nor write", () => {
    expect(rightOn(clients, "zuerich")).toBeNull();
    expect(canRead(clients, "zuerich")).toBe(false);
    expect(canWrite(clients, "zuerich")).toBe(false);
  });

  it("no client given, or no clients loaded yet: nothing", () => {
    for (const id of [null, undefined, ""]) {
      expect(canRead(clients, id)).toBe(false);
      expect(canWrite(clients, id)).toBe(false);
    }
    expect(canWrite([], "berlin")).toBe(false);
  });
});

describe("write targets", () => {
  it("offers only clients with full right, in their order, keeping the objects", () => {
    const more = [...clients, { id: "hamburg", name: "Hamburg", right: "full" as const, description: "Nord" }];
    expect(writableClients(more).map((c) => c.id)).toEqual(["berlin", "hamburg"]);
    expect(writableClients(more)[1]).toBe(more[2]);
    expect(writableClients([{ id: "wien", name: "Wien", right: "read" }])).toEqual([]);
  });

  it("an account-wide object is writable; a client's only with full right on it", () => {
    expect(canWriteShared(clients, null)).toBe(true);
    expect(canWriteShared(clients, "berlin")).toBe(true);
    expect(canWriteShared(clients, "wien")).toBe(false);
    expect(canWriteShared(clients, "zuerich")).toBe(false);
  });
});
