/**
 * The clients (data partitions) the user may see, with the right on each: `full` or `read` (hidden clients are
 * absent, as the API has them). Areas that show or change client data use these: a picker that marks read-only
 * clients, and `writable(id)` to switch writing off where the user may only read (the API refuses it anyway).
 */
import { useMemo } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { Select } from "../ui/components";
import { useLoad } from "../ui/hooks";
import { canWrite, writableClients, type ClientRight } from "./rights";

export type { ClientRight } from "./rights";

export function useClients() {
  const load = useLoad((signal) => api.get<{ clients: ClientRight[] }>("/api/v1/clients", { signal }).then((r) => r.clients));
  const clients = useMemo(() => load.data ?? [], [load.data]);
  const writable = (id: string | null | undefined) => canWrite(clients, id);
  return { clients, writable, loading: load.loading, error: load.error, reload: load.reload };
}

/** A client picker: read-only clients are labelled, or left out with `writableOnly`. */
export function ClientSelect({ clients, value, onChange, writableOnly = false, label, error }: {
  clients: ClientRight[]; value: string; onChange: (id: string) => void; writableOnly?: boolean; label?: string; error?: string;
}) {
  const { t } = useI18n();
  const shown = writableOnly ? writableClients(clients) : clients;
  return (
    <Select label={label ?? t("common.client")} value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">–</option>
      {shown.map((c) => (
        <option key={c.id} value={c.id}>
          {c.right === "read" ? `${c.name} (${t("common.right.read")})` : c.name}
        </option>
      ))}
    </Select>
  );
}
