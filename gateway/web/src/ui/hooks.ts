import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, type FieldErrors } from "../api/client";

/** Load data for a page; `reload()` after a change. Errors stay visible instead of blanking the page. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    load(controller.signal)
      .then((value) => {
        setData(value);
        setError(null);
      })
      .catch((exc) => {
        if ((exc as Error).name !== "AbortError") setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, as with useEffect (load is new each render)
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/**
 * A form's values, field errors and submission. On an API error the values stay as typed; the field errors
 * (problem+json `errors`) go next to their fields and anything else into `error` for the form's notice.
 */
export function useForm<V extends Record<string, unknown>>(initial: V) {
  const [values, setValues] = useState<V>(initial);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = useCallback(<K extends keyof V>(name: K, value: V[K]) => {
    setValues((v) => ({ ...v, [name]: value }));
    setFieldErrors((e) => {
      if (!(name as string in e)) return e;
      const next = { ...e };
      delete next[name as string];
      return next;
    });
  }, []);
  const submit = useCallback(async (action: (values: V) => Promise<void>) => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await action(values);
    } catch (exc) {
      if (exc instanceof ApiError) {
        setFieldErrors(exc.fields);
        setError(exc);
      } else {
        setError(new ApiError(0, null, null));
      }
    } finally {
      setBusy(false);
    }
  }, [values]);
  return { values, set, setValues, fieldErrors, error, setError, busy, submit };
}

/** Poll while `active` (long jobs: progress from a job route). */
export function usePoll(fn: () => Promise<boolean>, active: boolean, intervalMs = 1000) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      let again = true;
      try {
        again = await saved.current();
      } catch {
        again = true;
      }
      if (!stopped && again) timer = window.setTimeout(tick, intervalMs);
    };
    timer = window.setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [active, intervalMs]);
}

/** A set of chosen ids (rows ticked in a table): the set, a toggle for one id, and a reset. */
export function useSelection() {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string, on: boolean) => setSelected((s) => {
    const next = new Set(s);
    if (on) next.add(id);
    else next.delete(id);
    return next;
  });
  const clear = () => setSelected(new Set());
  return { selected, toggle, clear };
}
