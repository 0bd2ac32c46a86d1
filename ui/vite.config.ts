import { defineConfig } from "vite";

// The desktop app embeds ui/dist; everything is served from the app's own origin.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false, cssMinify: false },
  css: { preprocessorOptions: { scss: { quietDeps: true } } },
  server: { port: 5173, strictPort: true },
});
