/**
 * What the user may do with a client's data, from GET /api/v1/clients: each client the user may see comes with
 * `right` = `full` (read and write) or `read` (read only); a hidden client is absent from the list. The API is the
 * authority (it refuses a write with 403); these decide what the app offers, so a read-only or hidden client never
 * gets a write button or shows up as a target.
 */
export type Right = "full" | "read";

export interface ClientRight {
  id: string;
  name: string;
  description?: string | null;
  right: Right;
}

/** The user's right on a client: `null` when it is hidden (or no client is given). */
export function rightOn(clients: readonly ClientRight[], clientId: string | null | undefined): Right | null {
  if (!clientId) return null;
  return clients.find((c) => c.id === clientId)?.right ?? null;
}

/** May read the client's data: `full` or `read`; never a hidden client. */
export function canRead(clients: readonly ClientRight[], clientId: string | null | undefined): boolean {
  return rightOn(clients, clientId) !== null;
}

/** May change the client's data: only `full`. */
export function canWrite(clients: readonly ClientRight[], clientId: string | null | undefined): boolean {
  return rightOn(clients, clientId) === "full";
}

/** The clients the user may write to (targets of a transfer, an import, a new mailing ...). */
export function writableClients<C extends ClientRight>(clients: readonly C[]): C[] {
  return clients.filter((c) => c.right === "full");
}

/** A shared object (no client: the whole account's) or one of a client the user may write to. */
export function canWriteShared(clients: readonly ClientRight[], clientId: string | null | undefined): boolean {
  return !clientId || canWrite(clients, clientId);
}
