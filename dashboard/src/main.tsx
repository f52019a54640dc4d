import { render } from "preact";
import { App } from "./App";
import { configureApi } from "./api/client";
import { bootstrapAuth, handleUnauthorized } from "./auth/auth";
import { loadConfig } from "./config";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/components.css";
import "./styles/layout.css";
import "./styles/pages.css";
import "./styles/narrow.css";

const root = document.getElementById("app") as HTMLElement;

function StartupError({ message }: { message: string }) {
  return (
    <main class="startup-error" role="alert">
      <h1>Commcenter could not start</h1>
      <p>{message}</p>
      <button type="button" class="btn btn-primary" onClick={() => window.location.reload()}>
        Reload
      </button>
    </main>
  );
}

async function start(): Promise<void> {
  try {
    const config = await loadConfig();
    configureApi(config.apiBaseUrl, handleUnauthorized);
    await bootstrapAuth(config);
    render(<App config={config} />, root);
  } catch (exc) {
    render(<StartupError message={(exc as Error).message} />, root);
  }
}

void start();
