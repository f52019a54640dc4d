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
    // `npm run dev` talks to a running `commcenter dev` (the API and /config.json). The build ships
    // no config.json: each environment serves its own (the local gateway, or the deploy's upload).
    proxy: {
      "/api": "http://127.0.0.1:3000",
      "/config.json": "http://127.0.0.1:3000",
    },
  },
});
