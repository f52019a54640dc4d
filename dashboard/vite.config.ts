import { defineConfig } from "vite";

// Preact's automatic JSX runtime through Vite's own transformer: no Babel, no extra plugin.
export default defineConfig({
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    target: "es2022",
    // One small main bundle: nothing heavy is loaded before it is used.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // The Twilio Voice SDK is its own chunk, loaded only when the rep first uses the phone
        // (src/phone/voiceSdk.ts), under a name that says what it is: assets/twilio-voice-<hash>.js.
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.includes("/@twilio/voice-sdk/")
            ? "assets/twilio-voice-[hash].js"
            : "assets/[name]-[hash].js",
      },
    },
  },
  server: {
    // `npm run dev` talks to the API of a running `commcenter dev` through this server's proxy,
    // on its own origin (the local stack's dashboard reaches it across origins, as in AWS). The
    // build ships no config.json: each environment serves its own (the local stack's dashboard
    // origin, or the deploy's upload).
    proxy: {
      "/api": "http://127.0.0.1:3000",
    },
  },
  plugins: [
    {
      name: "dev-runtime-config",
      configureServer(server) {
        server.middlewares.use("/config.json", (_request, response) => {
          response.setHeader("Content-Type", "application/json");
          response.end(JSON.stringify({ apiBaseUrl: "", auth: { mode: "dev" } }));
        });
      },
    },
  ],
});
