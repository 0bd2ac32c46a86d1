// The UI talks to the backend only through `Backend`, which has two implementations: the
// desktop's Tauri IPC and the HTTP door (`triangulate serve`). Command names, arguments and
// responses come from the generated contract, so a misspelt command does not compile.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open, save } from "@tauri-apps/plugin-dialog";
import { openPath } from "@tauri-apps/plugin-opener";
import { PROGRESS_EVENT } from "./generated/ipc";
import type { CommandName, Commands, IpcError, Progress } from "./generated/ipc";

export interface Backend {
  call<K extends CommandName>(name: K, args: Commands[K]["args"]): Promise<Commands[K]["response"]>;
  /** Asks where to save a PDF or a ZIP (the system's save dialog); null when the worker cancels. */
  chooseSaveFile(suggestedName: string, kind: "pdf" | "zip" | "csv" | "json" | "folder"): Promise<string | null>;
  /** Asks for files to read (the system's open dialog); empty when the worker cancels. */
  chooseOpenFiles(kind: "json"): Promise<string[]>;
  /** Asks for one file to read (the system's open dialog), such as a PDF that was exported;
   *  null when the worker cancels. */
  chooseOpenFile(kind: "pdf", title: string): Promise<string | null>;
  /** Asks for a program to run (the system's open dialog), such as a browser's; null when
   *  the worker cancels. */
  chooseProgram(): Promise<string | null>;
  /** Opens a PDF the app wrote in the laptop's PDF reader. */
  openPdf(path: string): Promise<void>;
  /** Calls `handler` each time the capture shortcut is pressed, wherever the focus is; the
   *  returned function stops it. */
  onCaptureShortcut(handler: () => void): Promise<() => void>;
  /** Keeps the app's window above the browser during a session, or stops. */
  keepOnTop(on: boolean): Promise<void>;
  /** Calls `handler` with each report of long work's progress (a capture, an export, a
   *  disposal) while its command runs; the returned function stops it. */
  onProgress(handler: (report: Progress) => void): Promise<() => void>;
}

export const tauriBackend: Backend = {
  call: (name, args) => invoke(name, { args }),
  chooseSaveFile: (suggestedName, kind) =>
    // A folder to be made is named in the same dialog, with no file type.
    save({ defaultPath: suggestedName, filters: kind === "folder" ? [] : [{ name: kind.toUpperCase(), extensions: [kind] }] }),
  chooseOpenFiles: async (kind) => {
    const chosen = await open({ multiple: true, directory: false, filters: [{ name: kind.toUpperCase(), extensions: [kind] }] });
    return chosen === null ? [] : Array.isArray(chosen) ? chosen : [chosen];
  },
  chooseOpenFile: async (kind, title) => {
    const chosen = await open({ multiple: false, directory: false, title, filters: [{ name: kind.toUpperCase(), extensions: [kind] }] });
    return typeof chosen === "string" ? chosen : null;
  },
  chooseProgram: async () => {
    // On Windows a program is an .exe; elsewhere any file may be one.
    const windows = navigator.userAgent.includes("Windows");
    const chosen = await open({ multiple: false, directory: false, title: "Choose the browser's program", filters: windows ? [{ name: "Programs", extensions: ["exe"] }] : [] });
    return typeof chosen === "string" ? chosen : null;
  },
  openPdf: (path) => openPath(path),
  onCaptureShortcut: (handler) => listen("capture-shortcut", () => handler()),
  keepOnTop: (on) => getCurrentWindow().setAlwaysOnTop(on),
  onProgress: (handler) => listen<Progress>(PROGRESS_EVENT, (event) => handler(event.payload)),
};

export function isIpcError(value: unknown): value is IpcError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value && "fields" in value;
}

/** The error as an IpcError, whatever was thrown. */
export function asIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  return { code: "internal", message: String(value), fields: [], guards: [], refusals: [], url: null };
}

/** The HTTP door (`triangulate serve`): each command is `POST {base}/api/{name}` with its
 *  arguments as JSON and the door's token; an error comes back as the same `IpcError`. There
 *  is no system dialog in a web page: a file to write or read is named in words (a path on
 *  the computer the door runs on), a PDF cannot be opened from here, and there is no capture
 *  shortcut or keeping on top; long work's progress is read from the door while it runs. */
export function httpBackend(base: string, token: string): Backend {
  const ask = (question: string, suggested: string) => {
    const answer = window.prompt(question, suggested);
    return answer === null || !answer.trim() ? null : answer.trim();
  };
  return {
    call: async (name, args) => {
      let response: Response;
      try {
        response = await fetch(`${base}/api/${name}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify(args),
        });
      } catch (error) {
        throw asIpcError(`Triangulate did not answer: ${String(error)}`);
      }
      if (response.status === 401) throw asIpcError("This page's key to Triangulate is not the one it was started with: open the address it printed again");
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw asIpcError(`Triangulate answered ${response.status} without a reply it can read`);
      }
      if (!response.ok) throw asIpcError(body);
      return body as never;
    },
    chooseSaveFile: async (suggestedName) => ask("Where to save it: a path on the computer Triangulate runs on", suggestedName),
    chooseOpenFiles: async () => {
      const answer = ask("The file to read: a path on the computer Triangulate runs on", "");
      return answer ? [answer] : [];
    },
    chooseOpenFile: async (_kind, title) => ask(`${title}: a path on the computer Triangulate runs on`, ""),
    chooseProgram: async () => ask("The browser's program: a path on the computer Triangulate runs on", ""),
    openPdf: async () => {},
    onCaptureShortcut: async () => () => {},
    keepOnTop: async () => {},
    onProgress: async (handler) => {
      // The door keeps long work's reports for its page: read while the work runs, from the
      // first one after subscribing.
      const read = async (after: number | null): Promise<{ reports: Progress[]; next: number } | null> => {
        const query = after === null ? "" : `?after=${after}`;
        try {
          const response = await fetch(`${base}/api/events/progress${query}`, { headers: { Authorization: `Bearer ${token}` } });
          return response.ok ? await response.json() : null;
        } catch {
          return null;
        }
      };
      // Where to start, before the work does: asked again until the door answers, so no earlier
      // work is replayed.
      let next: number | null = (await read(null))?.next ?? null;
      let stopped = false;
      void (async () => {
        while (!stopped) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (stopped) break;
          const answer = await read(next);
          if (!answer || stopped) continue;
          if (next !== null) answer.reports.forEach(handler);
          next = answer.next;
        }
      })();
      return () => {
        stopped = true;
      };
    },
  };
}
