import { defineConfig } from "vite";

// Preact's automatic JSX runtime through Vite's own transformer: no Babel, no extra plugin.
export default defineConfig({
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    target: "es2022",
    // One small bundle; the app has no heavy dependency to split out.
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` talks to a running `commcenter dev` (the API and /config.json). The build ships
    // no config.json: each environment serves its own (the local gateway, or the deploy's upload).
    proxy: {
      "/api": "http://127.0.0.1:3000",
      "/config.json": "http://127.0.0.1:3000",
    },
  },
});
