// The UI talks to the desktop backend only through this interface: the Tauri implementation
// below, or a fake one in UI tests.
import { invoke } from "@tauri-apps/api/core";

export type StoreState = "not_initialised" | "ready" | "key_missing" | "wrong_key" | "unavailable";

export interface AuditSummary {
  intact: boolean;
  events: number;
  message: string;
}

export interface StoreStatus {
  state: StoreState;
  data_dir: string;
  message: string;
  store_id: string | null;
  keystore: string;
  keystore_warning: string | null;
  schema_version: number | null;
  audit: AuditSummary | null;
  organisation: string;
  protective_marking: string;
}

export interface InitialisedStore {
  recovery_phrase: string[];
  status: StoreStatus;
}

export interface IpcError {
  code: string;
  message: string;
  fields: { field: string; message: string }[];
}

export interface Backend {
  storeStatus(): Promise<StoreStatus>;
  storeInit(): Promise<InitialisedStore>;
}

export const tauriBackend: Backend = {
  storeStatus: () => invoke<StoreStatus>("store_status"),
  storeInit: () => invoke<InitialisedStore>("store_init"),
};

export function isIpcError(value: unknown): value is IpcError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}
