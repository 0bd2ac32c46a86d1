// The UI talks to the desktop backend only through `Backend`: the Tauri implementation here,
// or the in-memory fake in fake-backend.ts for UI tests. Command names, arguments and
// responses come from the generated contract, so a misspelt command does not compile.
import { invoke } from "@tauri-apps/api/core";
import type { CommandName, Commands, IpcError } from "./generated/ipc";

export interface Backend {
  call<K extends CommandName>(name: K, args: Commands[K]["args"]): Promise<Commands[K]["response"]>;
}

export const tauriBackend: Backend = {
  call: (name, args) => invoke(name, { args }),
};

export function isIpcError(value: unknown): value is IpcError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value && "fields" in value;
}

/** The error as an IpcError, whatever was thrown. */
export function asIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  return { code: "internal", message: String(value), fields: [], guards: [] };
}
