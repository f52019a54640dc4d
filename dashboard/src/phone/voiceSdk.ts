/**
 * The Twilio Voice JS SDK, loaded on first use: reps who never call never download it.
 *
 * It is the only module that names the SDK at run time. The build puts it in its own chunk,
 * `assets/twilio-voice-<hash>.js` (see vite.config.ts), which exports `Device`; the browser tests
 * serve a double of that chunk in its place, so the app runs unchanged against a fake Device.
 */

import type { Call, Device } from "@twilio/voice-sdk";

export type { Call, Device };

export async function loadDevice(): Promise<typeof Device> {
  const sdk = await import("@twilio/voice-sdk");
  return sdk.Device;
}
